"""Publish → visible through a real worker at national scale, with the directory read from a real
streaming standby and without one, in one run.

    REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python bench/replica.py --source qaportal_bench_replica

Needs root (the PostgreSQL 15 server binaries run as ``postgres``, as in tests/replica). ``--source`` is a
migrated copy of the national database on the shared server (it is only read, by pg_dump):
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE qaportal_bench_replica TEMPLATE qaportal_bench"

It restores the copy into a throwaway primary cluster of its own (durable settings again after the
restore), streams a standby from it, and then, first without and then with DATABASE_REPLICA_URL, runs
gunicorn (2 workers, qaportal/gunicorn_conf.py) and a Celery worker against it. Each publish changes one
published review's scores and marks the rating stale in one transaction, as publishing a review does;
the clock runs from its commit until an anonymous GET of the programme's public API page (a read the
replica serves) shows the new rating. Everything it started is stopped and its folder removed.
"""

import argparse
import os
import random
import subprocess
import sys
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.replica.conftest import Gunicorn, StreamingPair, as_postgres, bindir, production_env  # noqa: E402

PUBLISHES = 100
lines: list[str] = []


def report(line: str) -> None:
    print(line, flush=True)
    lines.append(line)


def load() -> str:
    return "load " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def restore(pair: StreamingPair, source: str) -> None:
    dump = pair.folder / "source.dump"
    started = time.monotonic()
    as_postgres(str(bindir() / "pg_dump"), "-h", "127.0.0.1", "-U", "postgres", "-Fc", "-Z", "0", "-f", str(dump),
                source, timeout=3600)  # fmt: skip
    as_postgres(str(bindir() / "pg_restore"), "-h", "127.0.0.1", "-p", str(pair.primary.port), "-U", "postgres",
                "-d", "register", "-j", "2", "--no-owner", str(dump), timeout=3600)  # fmt: skip
    dump.unlink()
    with closing(pair.primary.connect()) as connection:
        cursor = connection.cursor()
        cursor.execute("ANALYZE")
        # Restored without durability for speed; measured with it, as a real primary runs.
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            cursor.execute(f"ALTER SYSTEM SET {setting} = on")
        cursor.execute("SELECT pg_reload_conf()")
    report(f"Restored {source} into the throwaway primary in {time.monotonic() - started:.0f} s ({load()})")


def sample_programmes(pair: StreamingPair, count: int) -> list[tuple[int, str]]:
    with closing(pair.primary.connect()) as connection:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT p.id, p.slug FROM programmes_programme p JOIN ratings_programmerating r ON r.programme_id = p.id"
            " WHERE p.status = 'published' AND r.review_count >= 2 ORDER BY p.id"
        )
        rated = cursor.fetchall()
    return random.Random(11).sample(rated, count)


# One published review's scores all move to the other end of the scale, so the rating always changes.
CHANGE_SQL = """
UPDATE reviews_criterionscore SET score = CASE WHEN (SELECT avg(score) FROM reviews_criterionscore
                                                     WHERE review_id = %(review)s) > 2.5 THEN 1 ELSE 4 END
WHERE review_id = %(review)s
"""


def publish(programme_id: int) -> None:
    from django.db import connection, transaction

    from ratings.services import mark_programme_rating_stale

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM reviews_review WHERE programme_id = %s AND state = 'published' ORDER BY id LIMIT 1",
                [programme_id],
            )
            cursor.execute(CHANGE_SQL, {"review": cursor.fetchone()[0]})
        mark_programme_rating_stale(programme_id=programme_id)


def rating_seen(base: str, slug: str):
    response = requests.get(f"{base}/api/v1/programmes/{slug}/", timeout=30)
    response.raise_for_status()
    return response.json()["rating"]


def publish_to_visible(base: str, programmes: list[tuple[int, str]]) -> list[float]:
    results = []
    for programme_id, slug in programmes:
        before = rating_seen(base, slug)
        publish(programme_id)
        committed = time.perf_counter()
        while rating_seen(base, slug) == before:
            if time.perf_counter() - committed > 30:
                raise RuntimeError(f"programme {slug} not visible within 30 s")
        results.append(time.perf_counter() - committed)
    return results


def standby_transactions(pair: StreamingPair) -> int:
    with closing(pair.standby.connect()) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'register'")
        return cursor.fetchone()[0]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(pair: StreamingPair, env: dict, label: str, programmes: list[tuple[int, str]]) -> None:
    from qaportal.celery import app

    app.control.purge()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "qaportal", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "-n", f"bench-replica-{os.getpid()}@%h"],
        cwd=ROOT, env={**env, "DATABASE_REPLICA_URL": ""},
    )  # fmt: skip
    server = Gunicorn({**env, "LOG_LEVEL": "WARNING"}, pair.folder / f"gunicorn-{len(lines)}.log", workers=2)
    try:
        server.wait_until_serving(timeout=120)
        health = requests.get(f"{server.base}/healthz", timeout=30).json()
        standby_before = standby_transactions(pair)
        visible = publish_to_visible(server.base, programmes)
        standby_reads = standby_transactions(pair) - standby_before
    finally:
        server.stop()
        worker.terminate()
        worker.wait(timeout=30)
    report(
        f"{label}: publish → visible on the public API page p50 {1000 * percentile(visible, 0.5):.0f} ms, "
        f"p95 {1000 * percentile(visible, 0.95):.0f} ms, max {1000 * max(visible):.0f} ms over {len(visible)} "
        f"publishes; replica {health['replica']!r}, {standby_reads} transactions on the standby ({load()})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="qaportal_bench_replica")
    parser.add_argument("--publishes", type=int, default=PUBLISHES, help="per mode")
    arguments = parser.parse_args()
    source, publishes = arguments.source, arguments.publishes
    report(f"# Read replica benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, {load()}")
    pair = StreamingPair()
    try:
        pair.start(with_standby=False)
        restore(pair, source)
        started = time.monotonic()
        pair.start_standby()
        pair.caught_up(timeout=600)
        report(f"Standby streamed from the primary in {time.monotonic() - started:.0f} s ({load()})")
        # One client polling as fast as pages answer is not the abuse the API's throttle is for.
        env = production_env(pair, REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/11"),
                             API_ANON_RATE="1000000/minute")  # fmt: skip
        os.environ.update({"DATABASE_URL": env["DATABASE_URL"], "REDIS_URL": env["REDIS_URL"],
                           "DJANGO_SETTINGS_MODULE": "qaportal.settings"})  # fmt: skip
        import django

        django.setup()
        from programmes.models import Programme

        published = Programme.objects.filter(status="published").count()
        report(f"Data: {Programme.objects.count():,} programmes, {published:,} published")
        programmes = sample_programmes(pair, 2 * publishes)
        measure(pair, {**env, "DATABASE_REPLICA_URL": ""}, "Primary only", programmes[:publishes])
        measure(pair, env, "Directory reads on the standby", programmes[publishes:])
    finally:
        pair.stop()
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    with open(results / "replica.txt", "a") as log:
        log.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
