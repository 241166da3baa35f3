#!/usr/bin/env bash
# Fuzz the API from its own OpenAPI schema with schemathesis: a fresh database with the demo data, a
# real server on the loopback address, a token per role, and every operation tried with generated
# and malformed input. It fails when any answer is a server error (5xx) or does not match the schema.
#
#   scripts/api_fuzz.sh                       # SQLite in a temporary folder
#   FUZZ_DATABASE_URL=postgres://... scripts/api_fuzz.sh
#   FUZZ_MAX_EXAMPLES=10 FUZZ_ROLES="team.leader" scripts/api_fuzz.sh
#   FUZZ_REAL_IDS=0 scripts/api_fuzz.sh          # generated ids only (mostly 404s)
#
# By default each role's path ids, ?family= and id fields in bodies are (often) real records in
# that role's scope, from
# `manage.py fuzz_ids USERNAME --schemathesis-config`, so the fuzz reaches past the 404. Those
# requests write to the demo records (steps, closures...): later operations see them in new states.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
WORK="$(mktemp -d)"
PORT="${FUZZ_PORT:-8765}"
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-10}"
ROLES="${FUZZ_ROLES:-team.leader lead.professional panel.chair}"
REAL_IDS="${FUZZ_REAL_IDS:-1}"
export DATABASE_URL="${FUZZ_DATABASE_URL:-sqlite:///$WORK/fuzz.sqlite3}"
# The quick-start settings: production settings insist on HTTPS, which a loopback fuzz run has not.
export DJANGO_SETTINGS_MODULE=earlyhelp.settings DEMO_MODE=true LOG_LEVEL=WARNING

server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

$BIN/python manage.py migrate --noinput >/dev/null
$BIN/python manage.py load_council_pack >/dev/null
$BIN/python manage.py seed_demo >/dev/null

$BIN/gunicorn earlyhelp.wsgi --bind "127.0.0.1:$PORT" --workers 2 --timeout 60 \
  --log-level warning >"$WORK/server.log" 2>&1 &
server_pid=$!
up=""
for _ in $(seq 1 60); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then up=1; break; fi
  sleep 0.5
done
if [ -z "$up" ]; then echo "The server did not start:"; cat "$WORK/server.log"; exit 1; fi

status=0
: > "$WORK/summary"
for username in $ROLES; do
  token="$($BIN/python manage.py create_api_token "$username" --name "schemathesis" --days 1)"
  # Sending every undocumented HTTP method to each path took about a third of the coverage phase
  # and only meets DRF's uniform 405, so it is skipped to keep three roles within a few minutes.
  printf '[phases.coverage]\nunexpected-methods = []\n\n' > "$WORK/$username.toml"
  if [ "$REAL_IDS" = "1" ]; then
    $BIN/python manage.py fuzz_ids "$username" --schemathesis-config >> "$WORK/$username.toml"
  fi
  echo "== API fuzzing as $username (max $MAX_EXAMPLES examples per operation) =="
  timeout 900 $BIN/schemathesis --config-file "$WORK/$username.toml" run "http://127.0.0.1:$PORT/api/schema/" \
    --header "Authorization: Token $token" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "$MAX_EXAMPLES" \
    --workers 2 \
    --request-timeout 30 \
    --seed 20261202 \
    --no-color \
    --suppress-health-check all \
    --generation-database none \
    2>&1 | tee "$WORK/run.log" || status=1
  grep -E "^\s*[0-9]+ generated" "$WORK/run.log" | sed "s/^ */$username: /" >> "$WORK/summary" || true
done
server_errors="$(grep -c '"status_code": 5' "$WORK/server.log" || true)"
echo "== API fuzzing summary =="
cat "$WORK/summary"
echo "server errors logged by the server: $server_errors"
if [ "$server_errors" != "0" ] || grep -q "Traceback" "$WORK/server.log"; then
  echo "The server logged an error:"; cat "$WORK/server.log"; status=1
fi
exit $status
