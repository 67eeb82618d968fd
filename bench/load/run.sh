#!/usr/bin/env bash
# Load test of the REST API: gunicorn (4 workers, production settings) on PostgreSQL and Redis,
# locust on loopback for 60 s mixing reads and writes, then a check that every accepted write is in
# the database with its history row. Writes bench/load/results.md. See README, "Load test".
#
#   bench/load/run.sh            # or: make load
#
# Knobs (environment): LOAD_DATABASE_URL (postgres://postgres@127.0.0.1:5432/sms_load; the name must
# start with sms_load: it is dropped and re-created), LOAD_REDIS_URL (redis://127.0.0.1:6379/5; that
# database is emptied), LOAD_USERS (16), LOAD_DURATION (60s), LOAD_WORKERS (4), LOAD_PORT (18765),
# LOAD_STUDENTS (1000), LOAD_RESULTS (bench/load/results.md; CI's short run writes elsewhere).
set -euo pipefail
cd "$(dirname "$0")/../.."

OUT=bench/load/out
PY=.venv/bin/python
env -u DJANGO_SETTINGS_MODULE make --no-print-directory setup     # .venv with the app's requirements
$PY -m pip install --quiet -r bench/load/requirements.txt         # locust, only for this command

export DATABASE_URL="${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sms_load}"
export REDIS_URL="${LOAD_REDIS_URL:-redis://127.0.0.1:6379/5}"
export DJANGO_SETTINGS_MODULE=sms.settings.prod
export ALLOWED_HOSTS=127.0.0.1,localhost
# The run measures capacity, not the limits (which would answer most requests with 429).
export SMS_API_RATE_LIMITS="read=1000000/m,write=1000000/m,auth=1000/m"
export LOAD_RUN_ID="${LOAD_RUN_ID:-$(date +%Y%m%d%H%M%S)}"
export LOAD_WRITES_FILE="$OUT/writes.jsonl"
USERS="${LOAD_USERS:-16}" DURATION="${LOAD_DURATION:-60s}" WORKERS="${LOAD_WORKERS:-4}"
PORT="${LOAD_PORT:-18765}" STUDENTS="${LOAD_STUDENTS:-1000}"

SECRET_KEY="$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY  # one key for the whole run: the audit chain check needs the one that wrote it

rm -rf "$OUT" && mkdir -p "$OUT"
cat > "$OUT/run.env" <<ENV
RUN_ID=$LOAD_RUN_ID
DB_NAME=${DATABASE_URL##*/}
USERS=$USERS
DURATION=$DURATION
WORKERS=$WORKERS
STUDENTS=$STUDENTS
SMS_API_RATE_LIMITS=$SMS_API_RATE_LIMITS
LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
ENV

echo "== fresh database ${DATABASE_URL##*/}, seeded with $STUDENTS students"
$PY bench/load/database.py "$DATABASE_URL" "$REDIS_URL"
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo --students "$STUDENTS" -v0

echo "== gunicorn -w $WORKERS on 127.0.0.1:$PORT"
.venv/bin/gunicorn sms.wsgi -w "$WORKERS" -b "127.0.0.1:$PORT" --error-logfile "$OUT/gunicorn.log" \
    --capture-output --timeout 60 &
GUNICORN=$!
trap 'kill -TERM $GUNICORN 2>/dev/null || true' EXIT
$PY - "$PORT" <<'WAIT'
import sys, time, urllib.error, urllib.request
request = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/api/v1/courses/", headers={"X-Forwarded-Proto": "https"})
for _ in range(120):
    try:
        urllib.request.urlopen(request, timeout=2)
    except urllib.error.HTTPError:
        sys.exit(0)  # 401: the app answers
    except OSError:
        time.sleep(0.5)
sys.exit("gunicorn did not start; see bench/load/out/gunicorn.log")
WAIT

echo "== locust: $USERS users for $DURATION"
load_status=0
.venv/bin/locust -f bench/load/locustfile.py --headless --users "$USERS" --spawn-rate "$USERS" \
    --run-time "$DURATION" --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --json-file "$OUT/locust" \
    --only-summary \
    --stop-timeout 10 --loglevel WARNING || load_status=$?

echo "== stopping gunicorn"
kill -TERM "$GUNICORN" && wait "$GUNICORN" || true
trap - EXIT

echo "== verifying every accepted write"
verify_status=0
$PY bench/load/verify.py "$LOAD_WRITES_FILE" "$LOAD_RUN_ID" > "$OUT/verify.json" || verify_status=$?
RESULTS="${LOAD_RESULTS:-bench/load/results.md}"
$PY bench/load/report.py "$OUT" "$RESULTS"
echo "Results: $RESULTS (locust exit $load_status, verification exit $verify_status)"
[ "$load_status" -eq 0 ] && [ "$verify_status" -eq 0 ]
