"""Time ``seed_demo --scale national`` on a fresh database, ratings included.

    .venv/bin/python bench/seed.py            # a scratch database, dropped afterwards
    .venv/bin/python bench/seed.py --keep     # keep it (e.g. to become qaportal_bench)

The command's own report gives the seeding time (bulk COPY of providers, programmes, reviews
and scores); the wall time adds migrating, ANALYZE and the full recompute of every rating that
seeding ends with.
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)


def manage(database_url: str, *args: str) -> tuple[float, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "qaportal.settings"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return time.perf_counter() - started, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="qaportal_seedbench", help="scratch database name")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    options = parser.parse_args()
    database_url = f"{SERVER}/{options.database}"
    psql(f"DROP DATABASE IF EXISTS {options.database}")
    psql(f"CREATE DATABASE {options.database}")
    try:
        migrate_seconds, _ = manage(database_url, "migrate", "--no-input", "-v0")
        seed_seconds, output = manage(database_url, "seed_demo", "--scale", "national", "-v1")
    finally:
        if not options.keep:
            psql(f"DROP DATABASE IF EXISTS {options.database}")
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    lines = [
        f"# seed_demo --scale national, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores",
        f"migrate: {migrate_seconds:.1f} s; seed_demo (seeding, ANALYZE, full rating recompute): {seed_seconds:.1f} s",
        *[line for line in output.splitlines() if line.strip()],
        f"load average {load}",
    ]
    print("\n".join(lines))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    with open(results / "seed.txt", "a") as log:
        log.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
