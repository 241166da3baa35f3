# The two commands in the README: `make run` and `make test`. Everything else here
# is what they need, installed into the project folder (.venv, node_modules).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test lint api-fuzz setup serve test-postgres clean

## Install everything, create the SQLite database, load the council pack and demo data, and serve.
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_council_pack
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_demo --print-logins
	@echo "Open http://$(HOST)/ and sign in with one of the logins above (Ctrl+C to stop)."
	@# The background work runs beside the server (ADR 0018): a worker sends the emails and runs
	@# the jobs the scheduler queues. All three stop together with Ctrl+C.
	@trap 'kill 0' EXIT INT TERM; \
	$(BIN)/python manage.py db_worker --interval 5 --no-startup-delay & \
	$(BIN)/python manage.py run_scheduler & \
	$(BIN)/python manage.py runserver $(HOST)

## Install what the tests need (Chromium included) and run the whole suite.
test: setup
	@scripts/ensure_chromium.sh >/dev/null
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

## Lint and check formatting (ruff; settings in pyproject.toml). `make test` runs the other gates:
## import-linter's app layers, makemigrations --check, and no model queries in views.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## Fuzz the API from its OpenAPI schema (schemathesis) against a fresh demo database and a real server.
api-fuzz: setup
	scripts/api_fuzz.sh

setup: $(VENV)/.installed node_modules/.installed static/build/app.css

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/build/app.css: node_modules/.installed $(wildcard frontend/*)
	npm run --silent build

clean:
	rm -rf $(VENV) node_modules static/build staticfiles db.sqlite3
