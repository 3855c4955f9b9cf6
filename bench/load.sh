#!/usr/bin/env bash
# HTTP load on the directory under gunicorn, bounded: 50 requests/s for 2 minutes, to 127.0.0.1 only.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/qaportal_bench_directory bench/load.sh
# Optional: USERS (50, one request a second each), DURATION (2m), PORT (8765), WORKERS (4).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the national-scale database}"
PORT=${PORT:-8765}
WORKERS=${WORKERS:-4}
export DJANGO_SETTINGS_MODULE=qaportal.settings DEBUG=false ALLOWED_HOSTS=127.0.0.1 DATABASE_URL
unset REDIS_URL CELERY_BROKER_URL
mkdir -p bench/results
.venv/bin/gunicorn qaportal.wsgi --bind "127.0.0.1:${PORT}" --workers "${WORKERS}" --log-level warning \
  --access-logfile /dev/null &
GUNICORN_PID=$!
trap 'kill "${GUNICORN_PID}" 2>/dev/null; wait "${GUNICORN_PID}" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:${PORT}/healthz" >/dev/null && break; sleep 1; done
# Warm-up: every worker builds its directory snapshot once (about 2 s) before the measured load.
WARMING=()
for _ in $(seq 1 $((WORKERS * 4))); do
  curl -fs -o /dev/null "http://127.0.0.1:${PORT}/programmes/" & WARMING+=($!)
done
wait "${WARMING[@]}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
.venv/bin/locust -f bench/locustfile.py --headless --users "${USERS:-50}" --spawn-rate 25 \
  --run-time "${DURATION:-2m}" --host "http://127.0.0.1:${PORT}" --csv bench/results/locust --only-summary \
  2>&1 | tail -n 40
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
