# The product's one image: the web server (gunicorn), the task worker (db_worker) and the scheduler
# (run_scheduler) all run it with different commands; compose.yaml starts each. ADR 0020.

# --- 1. The front-end assets: GOV.UK Frontend compiled with our Sass (what `npm run build` makes) --
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend ./frontend
RUN npm run --silent build

# --- 2. The application ----------------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=earlyhelp.settings_production \
    WEB_CONCURRENCY=3

WORKDIR /app

# The pinned dependencies from pyproject.toml first, in their own layer, so a code change does not
# reinstall them. The product itself runs from /app (its templates and packs sit beside the code).
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
COPY --from=assets /build/static/build ./static/build

# Collect and hash the static files with the production settings. The values below exist only for
# this step (settings_production refuses to load without them); nothing connects to a database.
RUN SECRET_KEY="collectstatic-only-$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
    ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput --verbosity 0

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin earlyhelp
USER earlyhelp

EXPOSE 8000

# Liveness: the process answers and reaches its database (compose.yaml's web service asks /readyz,
# readiness, instead).
# The Host header is the first of ALLOWED_HOSTS, which Django requires.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request as u; h = os.environ['ALLOWED_HOSTS'].split(',')[0].strip().lstrip('*.') or 'localhost'; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h}), timeout=4)"

# The web server; JSON log lines (core.logging.GunicornJsonLogger), no access log of its own:
# Django's AccessLogMiddleware writes one line per request, by route name. No control socket: the
# user has no home directory to put it in, and nothing here uses it.
CMD ["gunicorn", "earlyhelp.wsgi", "--bind", "0.0.0.0:8000", "--logger-class", "core.logging.GunicornJsonLogger", "--graceful-timeout", "20", "--no-control-socket"]
