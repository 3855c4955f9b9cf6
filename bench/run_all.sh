#!/usr/bin/env bash
# Every national-scale benchmark, one after another, on copies of the national database.
# Creates and seeds qaportal_bench the first time (about 7 minutes), then copies it per benchmark
# (they write). Figures print to the terminal and land in bench/results/; see BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PSQL="psql -h 127.0.0.1 -U postgres -qAt"
url() { echo "postgres://postgres@127.0.0.1:5432/$1"; }

if [ "$($PSQL -c "SELECT 1 FROM pg_database WHERE datname = 'qaportal_bench'")" != "1" ]; then
  .venv/bin/python bench/seed.py --database qaportal_bench --keep
fi
DATABASE_URL=$(url qaportal_bench) .venv/bin/python manage.py migrate -v0
for copy in ratings directory summaries pool imports; do
  if [ "$($PSQL -c "SELECT 1 FROM pg_database WHERE datname = 'qaportal_bench_$copy'")" != "1" ]; then
    $PSQL -c "CREATE DATABASE qaportal_bench_$copy TEMPLATE qaportal_bench"
  fi
  DATABASE_URL=$(url "qaportal_bench_$copy") .venv/bin/python manage.py migrate -v0
  $PSQL -d "qaportal_bench_$copy" -c "ANALYZE"
done

uptime
DATABASE_URL=$(url qaportal_bench_ratings) REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python bench/ratings.py
DATABASE_URL=$(url qaportal_bench_summaries) REDIS_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/exports.py
DATABASE_URL=$(url qaportal_bench_directory) REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python bench/directory.py
DATABASE_URL=$(url qaportal_bench_directory) REDIS_URL=redis://127.0.0.1:6379/12 bash bench/load.sh
DATABASE_URL=$(url qaportal_bench_pool) REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/pool.py
DATABASE_URL=$(url qaportal_bench_imports) REDIS_URL=redis://127.0.0.1:6379/15 .venv/bin/python bench/imports.py
REDIS_URL=redis://127.0.0.1:6379/10 bash bench/issue11.sh
uptime
