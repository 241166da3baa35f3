#!/usr/bin/env bash
# Prove a backup restores into a working product.
#
#   scripts/restore_check.sh backups/earlyhelp-20261202T131500Z.dump
#
# Restores DUMP (scripts/backup.sh's pg_dump -Fc) into a fresh database on the PostgreSQL server of
# $RESTORE_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/earlyhelp_restore_check; it must
# not exist yet), then, with the production settings:
#   - every migration the code has is applied (manage.py migrate --check) and the system checks pass;
#   - the web server (gunicorn, as in compose.yaml) answers /readyz 200 and renders the sign-in page;
#   - the council and the records are there (row counts; the council must have one row);
# and drops the database again (KEEP_DB=1 keeps it). Exits non-zero if any step fails. ADR 0020.
set -euo pipefail

DUMP=${1:?usage: scripts/restore_check.sh DUMP}
[[ -r $DUMP ]] || { echo "restore_check: cannot read $DUMP" >&2; exit 2; }
DUMP=$(cd "$(dirname "$DUMP")" && pwd)/$(basename "$DUMP")

cd "$(dirname "$0")/.."
REPO=$(pwd)
PYTHON=${PYTHON:-$REPO/.venv/bin/python}
BIN=$(dirname "$PYTHON")
READY_TIMEOUT=${READY_TIMEOUT:-60}
export DATABASE_URL=${RESTORE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/earlyhelp_restore_check}
DB_NAME=${DATABASE_URL##*/}
DB_NAME=${DB_NAME%%\?*}
ADMIN_URL=${DATABASE_URL%/*}/postgres
WORK=$(mktemp -d)
WEB_PID=""
CREATED=0

say() { printf '%s\n' "restore_check: $*"; }
admin_psql() { PGOPTIONS=--client-min-messages=warning psql "$ADMIN_URL" -q -v ON_ERROR_STOP=1 "$@"; }

finish() {
    local status=$?
    if [[ -n $WEB_PID ]]; then
        kill -TERM "$WEB_PID" 2>/dev/null || true
        wait "$WEB_PID" 2>/dev/null || true
    fi
    if [[ $status -ne 0 && -s $WORK/web.log ]]; then
        say "last lines of the web server's log:"
        tail -n 15 "$WORK/web.log"
    fi
    if [[ $CREATED == 1 && "${KEEP_DB:-0}" != 1 ]]; then
        admin_psql -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null 2>&1 || true
        say "dropped $DB_NAME"
    fi
    rm -rf "$WORK"
    if [[ $status -eq 0 ]]; then say "PASSED: $(basename "$DUMP") restores into a working product"; else say "FAILED"; fi
    exit $status
}
trap finish EXIT
trap 'exit 130' INT TERM

exists=$(admin_psql -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")
if [[ $exists == 1 ]]; then
    say "database $DB_NAME already exists: restore into a fresh one (set RESTORE_DATABASE_URL)"
    exit 2
fi
admin_psql -c "CREATE DATABASE \"$DB_NAME\""
CREATED=1
say "created fresh database $DB_NAME"

start=$SECONDS
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$DUMP"
say "pg_restore: $(pg_restore --list "$DUMP" | grep -c ' TABLE DATA ') tables restored in $((SECONDS - start)) s"

# The production settings, with collected static files in the scratch folder (as in the image).
cat >"$WORK/restore_check_settings.py" <<PY
from earlyhelp.settings_production import *  # noqa: F403

STATIC_ROOT = "$WORK/staticfiles"
PY
export PYTHONPATH=$WORK:$REPO${PYTHONPATH:+:$PYTHONPATH}
export DJANGO_SETTINGS_MODULE=restore_check_settings
SECRET_KEY=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
unset DEBUG DEMO_MODE TASKS_BACKEND

"$PYTHON" manage.py migrate --check --noinput >"$WORK/migrate.log" 2>&1 || {
    cat "$WORK/migrate.log"
    "$PYTHON" manage.py showmigrations --plan | grep -F '[ ]' | sed 's/^/restore_check: not applied: /'
    say "the dump is older than this code: restore it, then run manage.py migrate (or use the matching release)"
    exit 1
}
say "manage.py migrate --check: every migration applied"
"$PYTHON" manage.py check --deploy --fail-level WARNING 2>&1 | sed 's/^/restore_check: manage.py check --deploy: /'
"$PYTHON" manage.py collectstatic --noinput --verbosity 0

PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN/gunicorn" earlyhelp.wsgi --bind "127.0.0.1:$PORT" --workers 1 \
    --logger-class core.logging.GunicornJsonLogger --no-control-socket >"$WORK/web.out" 2>"$WORK/web.log" &
WEB_PID=$!
deadline=$((SECONDS + READY_TIMEOUT))
code=000
while ((SECONDS < deadline)); do
    code=$(curl -s -o "$WORK/readyz.json" -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/readyz" || true)
    [[ $code == 200 ]] && break
    kill -0 "$WEB_PID" 2>/dev/null || { say "the web server stopped"; exit 1; }
    sleep 1
done
[[ $code == 200 ]] || { say "GET /readyz answered $code: $(cat "$WORK/readyz.json" 2>/dev/null)"; exit 1; }
say "GET /readyz -> 200 $(cat "$WORK/readyz.json")"

# The sign-in page, as the council's HTTPS proxy would ask for it: templates, hashed static files,
# the session and CSRF cookies all work against the restored database.
code=$(curl -s -o "$WORK/sign_in.html" -w '%{http_code}' --max-time 10 \
    -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/accounts/sign-in/")
[[ $code == 200 ]] && grep -q 'csrfmiddlewaretoken' "$WORK/sign_in.html" && grep -q '/static/.*\.[0-9a-f]\{12\}\.css' "$WORK/sign_in.html" \
    || { say "GET /accounts/sign-in/ -> $code without its form or hashed stylesheet"; exit 1; }
say "GET /accounts/sign-in/ -> $code (sign-in form, hashed stylesheet)"

counts=$(psql "$DATABASE_URL" -At -F ' ' -c "
    SELECT 'council', count(*) FROM core_council UNION ALL
    SELECT 'teams', count(*) FROM core_team UNION ALL
    SELECT 'staff', count(*) FROM accounts_user UNION ALL
    SELECT 'people', count(*) FROM people_person UNION ALL
    SELECT 'families', count(*) FROM people_family UNION ALL
    SELECT 'audit_events', count(*) FROM core_auditevent")
say "rows: $(echo "$counts" | tr '\n' ',' | sed 's/,$//; s/,/, /g')"
[[ $(echo "$counts" | awk '$1 == "council" {print $2}') == 1 ]] || { say "expected one council"; exit 1; }
