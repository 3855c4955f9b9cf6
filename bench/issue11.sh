#!/usr/bin/env bash
# Issue 11's figures in one command (about 15 minutes on the quiet 2-core machine):
#   bench/issue11.sh
# 1. bench/directory_under_writes.py: cold gunicorn (5 workers, gunicorn_conf warm start), 50 requests/s
#    for 2 minutes over 3,000 directory URLs while programmes are published and withdrawn and drafts
#    saved; then the step search for the highest steady rate, without and with conditional requests.
# 2. bench/replica.py: publish → visible in the directory page through a real worker, 100 publishes,
#    without and with a real streaming standby (needs root, as tests/replica).
# Works on a fresh copy of qaportal_bench (COPY, default qaportal_bench_load; FRESH_COPY=0 reuses the copy
# as it is). Optional: REDIS_URL (redis://127.0.0.1:6379/10), PUBLISHES (100); any arguments are passed
# to directory_under_writes.py (e.g. --step-seconds 20). PREWARM=0: start with the copy's buffers cold.
set -euo pipefail
cd "$(dirname "$0")/.."
PSQL="psql -h 127.0.0.1 -U postgres -qAt"
COPY=${COPY:-qaportal_bench_load}
case "$COPY" in qaportal_bench) echo "COPY must not be qaportal_bench itself" >&2; exit 2 ;; esac
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/10}
URL="postgres://postgres@127.0.0.1:5432/$COPY"
DIRECTORY_TABLES="'programmes_programme', 'programmes_publishedsearchdocument', 'providers_provider',
  'ratings_programmerating', 'ratings_ratingvalidity', 'ratings_providerrating', 'programmes_directorychange'"

if [ "${FRESH_COPY:-1}" = "1" ] || [ "$($PSQL -c "SELECT 1 FROM pg_database WHERE datname = '$COPY'")" != "1" ]; then
  $PSQL -c "DROP DATABASE IF EXISTS $COPY"
  # The template must have no other sessions: wait for them (another benchmark copying it) a while.
  for attempt in $(seq 1 30); do
    $PSQL -c "CREATE DATABASE $COPY TEMPLATE qaportal_bench" && break
    [ "$attempt" = 30 ] && exit 1
    sleep 5
  done
fi
DATABASE_URL=$URL .venv/bin/python manage.py migrate -v0
$PSQL -d "$COPY" -c "ANALYZE"
# gunicorn starts cold, the database does not: a register's database has been serving for days when a
# deploy restarts the web processes. A fresh copy's pages are in no buffer, so the directory's tables and
# their indexes are read into shared_buffers first (PREWARM=0 leaves them cold).
if [ "${PREWARM:-1}" = "1" ]; then
  $PSQL -d "$COPY" -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" -c "
    SELECT count(*) AS relations, sum(pg_prewarm(c.oid)) AS pages FROM pg_class c
    WHERE c.oid IN (SELECT oid FROM pg_class WHERE relname IN ($DIRECTORY_TABLES)
                    UNION SELECT indexrelid FROM pg_index JOIN pg_class t ON t.oid = indrelid
                    WHERE t.relname IN ($DIRECTORY_TABLES))"
fi
echo "shared_buffers: $($PSQL -d "$COPY" -c "SHOW shared_buffers") (the 128 MB default is far below the directory's hot set)"
echo "start: $(uptime)"
DATABASE_URL=$URL .venv/bin/python bench/directory_under_writes.py "$@"
.venv/bin/python bench/replica.py --source "$COPY" --publishes "${PUBLISHES:-100}"
echo "end: $(uptime)"
