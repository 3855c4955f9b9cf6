"""Publish → visible through a real worker at national scale, with the directory read from a real
streaming standby and without one, in one run.

    REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python bench/replica.py --source qaportal_bench_replica

Needs root (the PostgreSQL 15 server binaries run as ``postgres``, as in tests/replica). ``--source`` is a
migrated copy of the national database on the shared server (it is only read, by pg_dump):
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE qaportal_bench_replica TEMPLATE qaportal_bench"

It restores the copy into a throwaway primary cluster of its own (durable settings again after the
restore), streams a standby from it, and then, first without and then with DATABASE_REPLICA_URL, runs
gunicorn (2 workers, qaportal/gunicorn_conf.py) and a Celery worker against it. Each publish is the convenor's
service publishing a programme in review with two accepted reviews (the worker recomputes its rating
after commit); the clock runs from its commit until an anonymous directory page searching for a word
only its title has (a read the replica serves) shows its band. Everything it started is stopped and its folder removed.
"""

import argparse
import os
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


def publish_to_visible(base: str, publishes: int) -> list[float]:
    """Seconds from the convenor's publish (committed on the primary) to an anonymous directory page
    (a search for a word only the programme's title has) showing its band, through the real worker."""
    from django.contrib.auth.models import User

    from bench.freshness import probe_programme
    from programmes.lifecycle import programme_publish
    from programmes.models import Programme
    from reviews.models import Criterion, Framework

    convenor = User.objects.get(username="convenor")
    reviewers = list(User.objects.filter(username__startswith="reviewer-").order_by("username")[:2])
    criteria = list(Criterion.objects.filter(element__framework=Framework.objects.get(is_live=True)))
    template = Programme.objects.filter(status="published").order_by("id").first()
    results = []
    for number in range(publishes):
        programme = probe_programme(template, number, reviewers, criteria)
        url = f"{base}/programmes/?q={programme.probe_word}"
        assert "app-band--" not in requests.get(url, timeout=30).text
        programme_publish(programme=programme, by=convenor)
        committed = time.perf_counter()
        while "app-band--" not in requests.get(url, timeout=30).text:
            if time.perf_counter() - committed > 30:
                raise RuntimeError(f"programme {programme.id} not visible in the directory within 30 s")
            time.sleep(0.01)
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


def measure(pair: StreamingPair, env: dict, label: str, publishes: int) -> None:
    from qaportal.celery import app

    app.control.purge()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "qaportal", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "-n", f"bench-replica-{os.getpid()}@%h"],
        cwd=ROOT, env={**env, "DATABASE_REPLICA_URL": ""},
        stdout=(pair.folder / f"celery-{len(lines)}.log").open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    server = Gunicorn({**env, "LOG_LEVEL": "WARNING"}, pair.folder / f"gunicorn-{len(lines)}.log", workers=2)
    try:
        server.wait_until_serving(timeout=120)
        health = requests.get(f"{server.base}/healthz", timeout=30).json()
        standby_before = standby_transactions(pair)
        visible = publish_to_visible(server.base, publishes)
        standby_reads = standby_transactions(pair) - standby_before
    finally:
        server.stop()
        worker.terminate()
        worker.wait(timeout=30)
    report(
        f"{label}: publish → visible in the directory page p50 {1000 * percentile(visible, 0.5):.0f} ms, "
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
        measure(pair, {**env, "DATABASE_REPLICA_URL": ""}, "Primary only", publishes)
        measure(pair, env, "Directory reads on the standby", publishes)
    finally:
        pair.stop()
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    with open(results / "replica.txt", "a") as log:
        log.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
