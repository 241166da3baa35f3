#!/usr/bin/env bash
# Start the compose services and check the web service answers its readiness check (/readyz).
#
#   scripts/compose_check.sh
#
# With a running Docker engine (`docker info` works) it runs compose.yaml itself, under its own
# project name, and removes it afterwards. Without one (or with COMPOSE_CHECK_NATIVE=1) it runs the
# same commands as compose.yaml natively, against the local PostgreSQL: a fresh database
# ($DATABASE_URL, default postgres://postgres@127.0.0.1:5432/earlyhelp_compose) created and dropped
# here; production settings; collectstatic (as the image build does); the one-shot migrate service
# (migrate + load_council_pack); then gunicorn, db_worker and run_scheduler in the background. It
# waits (up to 60 s) for /readyz to answer 200, prints its JSON, checks the worker ran the jobs the
# scheduler queued and that every log line is JSON, stops everything and exits 0; non-zero on any
# failure. ADR 0020, docs/deployment.md.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
PYTHON=${PYTHON:-$REPO/.venv/bin/python}
BIN=$(dirname "$PYTHON")
READY_TIMEOUT=${READY_TIMEOUT:-60}
WORK=$(mktemp -d)
PIDS=()
NAMES=()

say() { printf '%s\n' "compose_check: $*"; }

random_secret() { "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))'; }

# --- With Docker ---------------------------------------------------------------------------------
if [[ "${COMPOSE_CHECK_NATIVE:-0}" != 1 ]] && docker info >/dev/null 2>&1 \
    && docker compose version >/dev/null 2>&1; then
    PROJECT=earlyhelp_compose_check
    export EARLYHELP_ENV_FILE=$WORK/check.env WEB_PORT=${WEB_PORT:-18000}
    cat >"$EARLYHELP_ENV_FILE" <<ENV
SECRET_KEY=$(random_secret)
ALLOWED_HOSTS=localhost,127.0.0.1
POSTGRES_PASSWORD=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(16))')
ENV
    # Compose reads POSTGRES_PASSWORD for its own interpolation from the environment too.
    set -a; . "$EARLYHELP_ENV_FILE"; set +a
    trap 'docker compose -p $PROJECT down -v --remove-orphans >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
    say "docker compose up --build --wait (project $PROJECT)"
    docker compose -p "$PROJECT" up --build --detach --wait --wait-timeout "$((READY_TIMEOUT + 240))"
    body=$(curl -fsS --max-time 5 "http://127.0.0.1:$WEB_PORT/readyz")
    say "GET /readyz -> 200 $body"
    docker compose -p "$PROJECT" ps
    exit 0
fi

# --- Natively, the same commands as compose.yaml ---------------------------------------------------
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/earlyhelp_compose}
DB_NAME=${DATABASE_URL##*/}
DB_NAME=${DB_NAME%%\?*}
ADMIN_URL=${DATABASE_URL%/*}/postgres

# Production settings, with the collected static files kept in the scratch folder rather than the
# checkout's staticfiles/ (which the quick start's WhiteNoise would otherwise pick up).
cat >"$WORK/compose_check_settings.py" <<PY
from earlyhelp.settings_production import *  # noqa: F403

STATIC_ROOT = "$WORK/staticfiles"
PY
export PYTHONPATH=$WORK:$REPO${PYTHONPATH:+:$PYTHONPATH}
export DJANGO_SETTINGS_MODULE=compose_check_settings
SECRET_KEY=$(random_secret)
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export LOG_LEVEL=${LOG_LEVEL:-INFO}
unset DEBUG DEMO_MODE TASKS_BACKEND

stop_all() {
    local status=$?
    local stopped=() i rc
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for i in "${!PIDS[@]}"; do
        for _ in $(seq 1 40); do kill -0 "${PIDS[$i]}" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "${PIDS[$i]}" 2>/dev/null || true
        rc=0
        wait "${PIDS[$i]}" 2>/dev/null || rc=$?
        stopped+=("${NAMES[$i]} $rc")
    done
    ((${#stopped[@]})) && say "stopped on SIGTERM (exit status): $(IFS=,; echo "${stopped[*]}" | sed 's/,/, /g')"
    if [[ $status -ne 0 ]]; then
        for log in "$WORK"/*.log "$WORK"/*.out; do
            [[ -s $log ]] || continue
            say "last lines of $(basename "$log"):"
            tail -n 15 "$log"
        done
    fi
    if [[ "${KEEP_DB:-0}" != 1 ]]; then
        PGOPTIONS=--client-min-messages=warning psql "$ADMIN_URL" -q -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
    exit $status
}
trap stop_all EXIT
trap 'exit 130' INT TERM

say "fresh database $DB_NAME"
PGOPTIONS=--client-min-messages=warning psql "$ADMIN_URL" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" \
    -c "CREATE DATABASE \"$DB_NAME\""

say "image build step: collectstatic"
"$PYTHON" manage.py collectstatic --noinput --verbosity 0

say "service migrate: migrate --noinput && load_council_pack"
"$PYTHON" manage.py migrate --noinput >"$WORK/migrate.log" 2>&1
"$PYTHON" manage.py load_council_pack >>"$WORK/migrate.log" 2>&1
tail -n 1 "$WORK/migrate.log"

PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "service web: gunicorn on 127.0.0.1:$PORT"
"$BIN/gunicorn" earlyhelp.wsgi --bind "127.0.0.1:$PORT" --workers 2 \
    --logger-class core.logging.GunicornJsonLogger --graceful-timeout 20 --no-control-socket \
    >"$WORK/web.out" 2>"$WORK/web.log" &
PIDS+=($!) NAMES+=(web)
say "service worker: manage.py db_worker"
"$PYTHON" manage.py db_worker --queue-name default --interval 1 >"$WORK/worker.out" 2>"$WORK/worker.log" &
PIDS+=($!) NAMES+=(worker)
say "service scheduler: manage.py run_scheduler"
"$PYTHON" manage.py run_scheduler >"$WORK/scheduler.out" 2>"$WORK/scheduler.log" &
PIDS+=($!) NAMES+=(scheduler)

deadline=$((SECONDS + READY_TIMEOUT))
code=000
while ((SECONDS < deadline)); do
    code=$(curl -s -o "$WORK/readyz.json" -w '%{http_code}' --max-time 5 \
        "http://127.0.0.1:$PORT/readyz" || true)
    [[ $code == 200 ]] && break
    for pid in "${PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null || { say "a service stopped before the web service was ready"; exit 1; }
    done
    sleep 1
done
if [[ $code != 200 ]]; then
    say "GET /readyz did not answer 200 within ${READY_TIMEOUT}s (last: $code $(cat "$WORK/readyz.json" 2>/dev/null))"
    exit 1
fi
say "GET /readyz -> 200 $(cat "$WORK/readyz.json")"

# The chain behind the web service: the scheduler queues each job's due run, a worker runs it.
finished=""
for _ in $(seq 1 30); do
    finished=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FILTER (WHERE status = 'SUCCESSFUL') || ' successful, ' || count(*) FILTER (WHERE status = 'FAILED') || ' failed, ' || count(*) FILTER (WHERE status IN ('READY', 'RUNNING')) || ' waiting' FROM django_tasks_database_dbtaskresult")
    [[ $finished =~ ^[1-9][0-9]*\ successful,\ 0\ failed,\ 0\ waiting$ ]] && break
    sleep 1
done
say "scheduled jobs queued by the scheduler and run by the worker: $finished"
[[ $finished =~ ^[1-9][0-9]*\ successful,\ 0\ failed,\ 0\ waiting$ ]] || exit 1

for pid in "${PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || { say "a service stopped"; exit 1; }
done

# Structured logs: every line each service logged (stderr) is a JSON object. What a command prints
# on stdout for an operator (run_scheduler's "Queued 1 scheduled job(s)") is not a log line.
"$PYTHON" - "$WORK"/web.log "$WORK"/worker.log "$WORK"/scheduler.log <<'PY'
import json
import sys

for name in sys.argv[1:]:
    lines = [line for line in open(name) if line.strip()]
    bad = []
    for line in lines:
        try:
            assert isinstance(json.loads(line), dict)
        except (ValueError, AssertionError):
            bad.append(line.rstrip())
    label = name.rsplit("/", 1)[-1]
    print(f"compose_check: {label}: {len(lines)} log lines, {len(lines) - len(bad)} of them JSON")
    if bad:
        print("\n".join(bad[:5]))
        sys.exit(1)
PY
say "ok: stopping the services and dropping $DB_NAME"
