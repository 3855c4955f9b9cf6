"""Freshness benchmark on the national-scale data (issue 11): how long a change takes to reach the directory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qaportal_bench_fresh REDIS_URL=redis://127.0.0.1:6379/1 \\
        .venv/bin/python bench/freshness.py

Writes to the database it is given (a copy of qaportal_bench, never the original). Two parts:

1. Patch time, in this process: the snapshot is built once, then N programmes change in one
   committed statement (a rating change, which moves them in "best rated"; a publication, which
   appends them; a withdrawal, which takes them out) and the next ``snapshots.current()`` is timed:
   the change-log query, re-reading the changed rows and patching the arrays. N = 1 and 100.
2. Publish → visible in the directory page, through a real Celery worker and a real gunicorn:
   a programme in review with two accepted reviews is published by the convenor service (the
   worker recomputes its rating after commit), then the directory filtered by a word only its title
   has is fetched over HTTP every 10 ms until the page shows its band. p50/p95/max over --publishes.
3. Conditional requests: a few directory URLs fetched over HTTP in full and revalidated with their
   ETag (304 before rendering), --repeat times each.

Figures print and are appended to bench/results/freshness.jsonl.
"""

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

from django_setup import ROOT, SERVING_PAGES, setup_django

setup_django(**SERVING_PAGES)

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from programmes import lifecycle  # noqa: E402
from programmes.facets import build_snapshot, snapshots  # noqa: E402
from programmes.models import Programme  # noqa: E402
from programmes.search import refresh_search_vectors  # noqa: E402
from qaportal.celery import app  # noqa: E402
from reviews.models import Criterion, CriterionScore, Framework, Review, ReviewState  # noqa: E402

WORKER_COMMAND = [sys.executable, "-m", "celery", "-A", "qaportal", "worker", "--pool=solo", "--loglevel=WARNING"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict:
    return {"p50": statistics.median(values), "p95": percentile(values, 0.95), "max": max(values), "n": len(values)}


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def timed_catch_up(cpu: list[float]) -> float:
    """Wall milliseconds of the request's catch-up (appending this process's CPU milliseconds to
    ``cpu``: on a loaded machine the wall time is mostly waiting for a core)."""
    started, started_cpu = time.perf_counter(), time.process_time()
    snapshots.current()
    cpu.append((time.process_time() - started_cpu) * 1000)
    return (time.perf_counter() - started) * 1000


def execute(sql: str, params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def patch_times(count: int, repeat: int, rng: random.Random) -> dict[str, dict]:
    """Milliseconds for the request after ``count`` programmes changed, per kind of change."""
    rated = list(Programme.objects.filter(status="published", rating__band_rank__isnull=False)
                 .values_list("id", flat=True)[:20000])  # fmt: skip
    times = {"rating change": [], "publication": [], "withdrawal": []}
    cpu = {kind: [] for kind in times}
    for _ in range(repeat):
        ids = rng.sample(rated, count)
        execute("UPDATE ratings_programmerating SET shown_score = shown_score + 0.001, "
                "band_rank = 1 + (band_rank %% 4) WHERE programme_id = ANY(%s)", [ids])  # fmt: skip
        times["rating change"].append(timed_catch_up(cpu["rating change"]))
        execute("UPDATE programmes_programme SET status = 'withdrawn' WHERE id = ANY(%s)", [ids])
        times["withdrawal"].append(timed_catch_up(cpu["withdrawal"]))
        execute("UPDATE programmes_programme SET status = 'published' WHERE id = ANY(%s)", [ids])
        times["publication"].append(timed_catch_up(cpu["publication"]))
    return {kind: {**summary(values), "cpu_p50": statistics.median(cpu[kind])} for kind, values in times.items()}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_worker() -> subprocess.Popen:
    app.control.purge()
    worker = start([*WORKER_COMMAND, "-n", f"bench-freshness-{os.getpid()}@%h"])
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the Celery worker did not start")
    return worker


def start_web(workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    gunicorn = [str(ROOT / ".venv" / "bin" / "gunicorn"), "qaportal.wsgi:application", "-b", f"127.0.0.1:{port}",
                "-w", str(workers), "--timeout", "120"]  # fmt: skip
    web = start(gunicorn)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            fetch(f"{base}/programmes/?per_page=20")
            break
        except OSError:
            if web.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.2)
    return web, base


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read().decode()


def probe_programme(template: Programme, number: int, reviewers: list[User], criteria: list[Criterion]) -> Programme:
    """A programme in review, with two accepted reviews, found by a word only its title has."""
    word = f"freshprobe{number:03d}{random.randrange(10**6):06d}"
    programme = Programme.objects.create(
        **{field.attname: getattr(template, field.attname) for field in Programme._meta.concrete_fields
           if field.attname not in ("id", "title", "slug", "status", "published_at", "search_vector")},
        title=f"Probe {word}", slug=word, status="in-review",
    )  # fmt: skip
    framework = criteria[0].element.framework
    for reviewer in reviewers:
        review = Review.objects.create(programme=programme, reviewer=reviewer, framework=framework,
                                       state=ReviewState.ACCEPTED)  # fmt: skip
        CriterionScore.objects.bulk_create(
            CriterionScore(review=review, criterion=criterion, score=3, rationale="Met.") for criterion in criteria
        )
    refresh_search_vectors(programme_ids=[programme.id])
    programme.probe_word = word
    return programme


def publish_to_visible(base: str, publishes: int) -> dict:
    """Seconds from the convenor's publish returning (committed) to the directory page showing the band."""
    convenor = User.objects.get(username="convenor")
    reviewers = list(User.objects.filter(username__startswith="reviewer-").order_by("username")[:2])
    criteria = list(Criterion.objects.filter(element__framework=Framework.objects.get(is_live=True)))
    template = Programme.objects.filter(status="published").order_by("id").first()
    seconds, rated = [], []
    for number in range(publishes):
        programme = probe_programme(template, number, reviewers, criteria)
        url = f"{base}/programmes/?q={programme.probe_word}"
        assert "app-band--" not in fetch(url)
        lifecycle.programme_publish(programme=programme, by=convenor)
        published, rated_at = time.perf_counter(), None
        while "app-band--" not in fetch(url):
            rated_at = rated_at or (is_rated(programme.id) and time.perf_counter())
            if time.perf_counter() - published > 30:
                raise RuntimeError(f"programme {programme.id} not visible within 30 s")
            time.sleep(0.01)
        seconds.append(time.perf_counter() - published)
        rated.append((rated_at or time.perf_counter()) - published)
    return {**summary(seconds), "rated": summary(rated)}


def is_rated(programme_id: int) -> bool:
    """Whether the worker's recompute has committed (polled between page fetches: the worker's share)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM ratings_programmerating WHERE programme_id = %s AND band_rank IS NOT NULL",
                       [programme_id])  # fmt: skip
        return cursor.fetchone() is not None


CONDITIONAL_URLS = ["/programmes/", "/programmes/?q=research&sort=best", "/programmes/?region=london&min_band=2"]


def conditional_times(base: str, repeat: int) -> dict[str, dict]:
    """Milliseconds over HTTP for a full page and for a revalidation answered 304, per URL."""
    figures = {}
    for path in CONDITIONAL_URLS:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            etag = response.headers["ETag"]
        full, revalidated = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            fetch(base + path)
            full.append((time.perf_counter() - started) * 1000)
            request = urllib.request.Request(base + path, headers={"If-None-Match": etag})
            started = time.perf_counter()
            try:
                urllib.request.urlopen(request, timeout=60)
            except urllib.error.HTTPError as answer:  # urllib raises on 304
                assert answer.code == 304, answer.code
            revalidated.append((time.perf_counter() - started) * 1000)
        figures[path] = {"200": summary(full), "304": summary(revalidated)}
    return figures


def measure_patches(repeat: int) -> tuple[float, dict]:
    started = time.perf_counter()
    build_snapshot()
    build_ms = (time.perf_counter() - started) * 1000
    print(f"full build of the snapshot (what a patch avoids): {build_ms:.0f} ms")
    snapshots.current()
    patches, rng = {}, random.Random(11)
    for count in (1, 100):
        patches[count] = patch_times(count, repeat, rng)
        for kind, figures in patches[count].items():
            print(f"patch after {count:3} programmes' {kind:13}: p50 {figures['p50']:6.1f} ms  "
                  f"p95 {figures['p95']:6.1f} ms  max {figures['max']:6.1f} ms  CPU p50 {figures['cpu_p50']:5.1f} ms  "
                  f"(load {load()})")  # fmt: skip
    return build_ms, patches


def measure_through_http(arguments) -> tuple[dict, dict]:
    worker = start_worker()
    web, base = start_web(arguments.web_workers)
    try:
        for _ in range(3 * arguments.web_workers):
            fetch(f"{base}/programmes/?sort=best")  # every web process has built its snapshot
        visible = publish_to_visible(base, arguments.publishes)
        conditional = conditional_times(base, arguments.repeat)
    finally:
        for process in (web, worker):
            process.terminate()
            process.wait(timeout=30)
    print(f"publish → visible in the directory page ({arguments.web_workers} gunicorn workers, one Celery worker), "
          f"{visible['n']} publishes: p50 {visible['p50'] * 1000:.0f} ms  p95 {visible['p95'] * 1000:.0f} ms  "
          f"max {visible['max'] * 1000:.0f} ms  (load {load()})")  # fmt: skip
    print(f"  of which until the worker's rating had committed (seen between page fetches): "
          f"p50 {visible['rated']['p50'] * 1000:.0f} ms  p95 {visible['rated']['p95'] * 1000:.0f} ms")  # fmt: skip
    for path, figures in conditional.items():
        print(f"{path:45} 200: p50 {figures['200']['p50']:6.1f} ms p95 {figures['200']['p95']:6.1f} ms   "
              f"304: p50 {figures['304']['p50']:5.1f} ms p95 {figures['304']['p95']:5.1f} ms")  # fmt: skip
    return visible, conditional


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="patches timed per size and kind, and requests per URL")
    parser.add_argument("--publishes", type=int, default=100)
    parser.add_argument("--web-workers", type=int, default=3)
    arguments = parser.parse_args()
    published = Programme.objects.filter(status="published").count()
    print(f"database {connection.settings_dict['NAME']}: {Programme.objects.count():,} programmes "
          f"({published:,} published); load average {load()}; {os.cpu_count()} cores")  # fmt: skip
    build_ms, patches = measure_patches(arguments.repeat)
    visible, conditional = measure_through_http(arguments)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    with open(results / "freshness.jsonl", "a") as output:
        record = {"at": time.time(), "load": load(), "build_ms": build_ms, "patch_ms": patches, "visible_s": visible,
                  "conditional_ms": conditional}  # fmt: skip
        output.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
