"""The directory under load while the register changes, from a cold gunicorn (issue 11), in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qaportal_bench_load REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/directory_under_writes.py

Writes to the database it is given (a migrated, analysed copy of qaportal_bench; bench/issue11.sh
makes one). In order:

1. URLs: at least --urls directory URLs built from the live filter form's options (every filter's
   choices, search terms drawn from published programmes' titles, sorts, pages, page sizes), with
   programme and provider pages among them, shuffled.
2. A real Celery worker, then gunicorn started fresh with production settings, --workers workers
   and qaportal/gunicorn_conf.py (each worker warms its snapshot before it accepts); BENCH_THREADS
   (default 1) gives each worker that many threads (gunicorn's gthread worker) to compare. The load starts
   the moment gunicorn's first answer comes back, so the other workers' warm-up is inside it.
3. Under writes: --rate requests/s for --seconds (open loop, bench/http_load.py in a process of its
   own, its CPU measured) while a writer publishes (convenor's service; the worker recomputes the
   rating after commit) or withdraws one programme a second, alternately, and an editor saves a
   draft each second. p50/p90/p95/p99/max and errors, and the same for the first 10 s.
4. Step search, writes stopped: --step-seconds at rising rates until p95 passes 150 ms or a request
   fails; the highest rate that held. Then again with conditional requests: every request carries
   the ETag the page returned in the first search (a revisit by a browser or a shared cache).

Prints a block ready for BENCHMARKS.md and appends it, with the raw figures, to
bench/results/directory_under_writes.jsonl. Everything it started is stopped at the end.
"""

import argparse
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "qaportal.settings"
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import DatabaseError, close_old_connections, connection  # noqa: E402
from django.http import QueryDict  # noqa: E402

from bench.freshness import probe_programme  # noqa: E402
from programmes import lifecycle  # noqa: E402
from programmes import policies as programme_policies  # noqa: E402
from programmes import services as programme_services  # noqa: E402
from programmes.facets import snapshots  # noqa: E402
from programmes.filters import SORTS, ProgrammeFilter  # noqa: E402
from programmes.models import Programme  # noqa: E402
from programmes.selectors import PER_PAGE_CHOICES  # noqa: E402
from providers.models import Provider  # noqa: E402
from qaportal.celery import app  # noqa: E402
from qaportal.errors import NotPermitted, ValidationFailed  # noqa: E402
from reviews.models import Criterion, Framework  # noqa: E402

TARGETS = {"p95": 150.0, "p99": 300.0, "max": 1000.0}
STEP_RATES = [20, 30, 45, 60, 80, 100, 125, 150, 180, 220]
WORDS = re.compile(r"[A-Za-z]{4,}")
lines: list[str] = []


def report(line: str = "") -> None:
    print(line, flush=True)
    lines.append(line)


def load() -> str:
    return "load " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


# --- URLs ----------------------------------------------------------------------------------------


def form_options() -> dict[str, list[str]]:
    """Every choice of the live filter form (what a visitor can pick), by parameter."""
    form = ProgrammeFilter(QueryDict(), bands=snapshots.live_bands()).form
    options = {}
    for name, field in form.fields.items():
        choices = [str(value) for value, _ in getattr(field, "choices", []) if str(value)]
        if choices and name not in ("sort", "per_page"):
            options[name] = choices
    return options


def search_terms(rng: random.Random, count: int) -> list[str]:
    titles = list(Programme.objects.filter(status="published").order_by("?").values_list("title", flat=True)[:3000])
    words = sorted({word.lower() for title in titles for word in WORDS.findall(title)})
    terms = rng.sample(words, min(len(words), count // 2))
    for title in rng.sample(titles, count - len(terms)):  # two-word phrases and whole short titles
        found = WORDS.findall(title)
        terms.append(" ".join(found[:2]) if len(found) > 3 else title)
    return terms


def directory_urls(count: int, rng: random.Random) -> list[str]:
    options, terms = form_options(), search_terms(rng, 1200)
    urls: set[str] = set()
    while len(urls) < count - count // 10 - count // 20:
        params: dict[str, str | list[str]] = {}
        if rng.random() < 0.55:
            params["q"] = rng.choice(terms)
        for name in rng.sample(sorted(options), rng.choice([0, 0, 1, 1, 2, 3])):
            picks = rng.sample(options[name], min(len(options[name]), rng.choice([1, 1, 2])))
            params[name] = picks if len(picks) > 1 else picks[0]
        if rng.random() < 0.5:
            params["sort"] = rng.choice(list(SORTS))
        if rng.random() < 0.25:
            params["page"] = str(rng.randint(2, 6))
        if rng.random() < 0.1:
            params["per_page"] = str(rng.choice(PER_PAGE_CHOICES))
        urls.add("/programmes/" + ("?" + urlencode(params, doseq=True) if params else ""))
    slugs = Programme.objects.filter(status="published").order_by("?").values_list("slug", flat=True)
    urls.update(f"/programmes/{slug}/" for slug in slugs[: count // 10])
    providers = Provider.objects.order_by("?").values_list("slug", flat=True)
    urls.update(f"/providers/{slug}/" for slug in providers[: count // 20])
    urls.update(["/providers/", "/providers/?page=2"])
    ordered = sorted(urls)
    rng.shuffle(ordered)
    return ordered


# --- Processes -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env() -> dict:
    return {**os.environ, "PYTHONUNBUFFERED": "1", "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING"}  # fmt: skip


def start_worker(log: Path) -> subprocess.Popen:
    app.control.purge()
    command = [sys.executable, "-m", "celery", "-A", "qaportal", "worker", "--pool=solo", "--loglevel=WARNING",
               "--without-gossip", "--without-mingle", "-n", f"bench-writes-{os.getpid()}@%h"]  # fmt: skip
    worker = subprocess.Popen(command, cwd=ROOT, env=server_env(), stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the Celery worker did not start; see {log}")
    return worker


def start_gunicorn(port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [str(ROOT / ".venv/bin/gunicorn"), "-c", "qaportal/gunicorn_conf.py", "qaportal.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "120",
               "--threads", os.environ.get("BENCH_THREADS", "1"),
               "--access-logfile", os.environ.get("BENCH_ACCESS_LOG", "/dev/null"),
               "--access-logformat", "%(t)s %(p)s %(M)s %(s)s %(U)s?%(q)s"]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=server_env(), stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip


def first_answer(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until any gunicorn worker answers (its snapshot warmed): the load starts then."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=60) as probe:
                probe.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if probe.recv(12).startswith(b"HTTP/1.1"):
                    return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("gunicorn did not answer")


def drained(port: int, timeout: float = 300) -> float:
    """Wait until the server answers at once again (after an overloaded step it still works through
    requests whose clients gave up); the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        asked = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=60) as probe:
                probe.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                probe.recv(12)
        except OSError:
            pass
        if time.monotonic() - asked < 0.2:
            return time.monotonic() - started
        time.sleep(0.5)
    raise RuntimeError("the server did not recover from the last step")


def stop(process: subprocess.Popen, *, group: bool = False) -> None:
    if process.poll() is None:
        if group:
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL) if group else process.kill()
            process.wait(timeout=10)


class Generator:
    """bench/http_load.py in its own process, given its job up front so that ``go`` starts it at once."""

    def __init__(self, job: dict) -> None:
        command = [sys.executable, str(ROOT / "bench/http_load.py")]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        assert self.process.stdout.readline().strip() == "ready"

    def go(self) -> None:
        assert self.process.stdin
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def result(self) -> dict:
        assert self.process.stdout
        outcome = json.loads(self.process.stdout.readline())
        self.process.wait(timeout=30)
        return outcome


# --- The writer ----------------------------------------------------------------------------------


class Writer(threading.Thread):
    """Each second: publish a programme in review (convenor) or withdraw a published one, in turn,
    and an editor saves one of their drafts; all through the services the web pages call."""

    def __init__(self, probes: list[Programme], withdrawable: list[Programme], drafts: list[Programme]) -> None:
        super().__init__(daemon=True)
        self.probes, self.withdrawable, self.drafts = probes, withdrawable, drafts
        self.convenor = User.objects.get(username="convenor")
        self.editor = User.objects.get(username="editor")
        self.done = {"published": 0, "withdrawn": 0, "drafts saved": 0}
        self.failures: list[str] = []
        self.halt = threading.Event()

    def run(self) -> None:
        tick, started = 0, time.monotonic()
        try:
            while not self.halt.is_set():
                self.once(tick)
                tick += 1
                self.halt.wait(max(0.0, started + tick - time.monotonic()))
        finally:
            connection.close()

    def once(self, tick: int) -> None:
        try:
            if tick % 2 == 0 and self.probes:
                lifecycle.programme_publish(programme=self.probes.pop(), by=self.convenor)
                self.done["published"] += 1
            elif self.withdrawable:
                lifecycle.programme_withdraw(programme=self.withdrawable.pop(), by=self.convenor,
                                                      reason="No longer offered (benchmark).")  # fmt: skip
                self.done["withdrawn"] += 1
            draft = self.drafts[tick % len(self.drafts)]
            draft.refresh_from_db()
            programme_services.programme_update(programme=draft, by=self.editor,
                                                data={"summary": f"Draft summary, revision {tick}."})  # fmt: skip
            self.done["drafts saved"] += 1
        except (DatabaseError, NotPermitted, ValidationFailed) as error:  # reported, not fatal to the measurement
            self.failures.append(f"{error.__class__.__name__}: {error}")
            close_old_connections()


def writer_for(seconds: int) -> Writer:
    reviewers = list(User.objects.filter(username__startswith="reviewer-").order_by("username")[:2])
    criteria = list(Criterion.objects.filter(element__framework=Framework.objects.get(is_live=True)))
    template = Programme.objects.filter(status="published").order_by("id").first()
    assert template is not None
    probes = [probe_programme(template, number, reviewers, criteria) for number in range(seconds // 2 + 2)]
    withdrawable = list(Programme.objects.filter(status="published").order_by("?")[: seconds // 2 + 2])
    editor = User.objects.get(username="editor")
    drafts = [p for p in Programme.objects.filter(status="draft", provider__editors=editor)[:20]
              if programme_policies.may_edit_programme(editor, p)]  # fmt: skip
    if not drafts:
        raise RuntimeError("the editor account edits no draft programme in this database")
    return Writer(probes, withdrawable, drafts)


# --- Measuring -----------------------------------------------------------------------------------


def figures(results: list) -> dict:
    times = [1000 * latency for _, latency, _, _, _ in results]
    errors = [r for r in results if r[4] or not (200 <= r[2] < 400)]
    statuses: dict[str, int] = {}
    for _, _, status, _, _ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {"n": len(results), "p50": percentile(times, 0.5), "p90": percentile(times, 0.9),
            "p95": percentile(times, 0.95), "p99": percentile(times, 0.99), "max": max(times, default=float("nan")),
            "errors": len(errors), "statuses": statuses,
            "error_samples": sorted({str(e[4] or e[2]) for e in errors})[:5]}  # fmt: skip


def windows(results: list, width: float = 10) -> str:
    """p95 and max of each window of requests by when they were due: where in the run a tail came from."""
    by_window: dict[int, list[float]] = {}
    for due, latency, *_ in results:
        by_window.setdefault(int(due // width), []).append(1000 * latency)
    return "; ".join(
        f"{int(index * width)}–{int((index + 1) * width)} s p95 {percentile(times, 0.95):.0f} max {max(times):.0f}"
        for index, times in sorted(by_window.items())
    )


def line_for(label: str, found: dict) -> str:
    return (f"{label}: {found['n']} requests, p50 {found['p50']:.0f} ms, p90 {found['p90']:.0f} ms, "
            f"p95 {found['p95']:.0f} ms, p99 {found['p99']:.0f} ms, max {found['max']:.0f} ms, "
            f"{found['errors']} errors {found['error_samples'] or ''} (statuses {found['statuses']})")  # fmt: skip


def job(port: int, paths: list[str], rate: float, seconds: float, etags: dict | None = None) -> dict:
    return {"host": "127.0.0.1", "port": port, "paths": paths, "rate": rate, "seconds": seconds, "etags": etags}


def step_search(port: int, paths: list[str], seconds: int, etags: dict | None, label: str) -> tuple[int, dict]:
    """The highest of STEP_RATES held with p95 ≤ 150 ms and no errors; the ETags the pages returned."""
    held, seen, offset = 0, {}, 0
    for rate in STEP_RATES:
        rotated = paths[offset:] + paths[:offset]  # each step goes on through the URLs where the last stopped
        offset = (offset + rate * seconds) % len(paths)
        waited = drained(port)
        if waited > 1:
            report(f"  (the server took {waited:.0f} s to work through the last step's backlog)")
        generator = Generator(job(port, rotated, rate, seconds, etags))
        generator.go()
        outcome = generator.result()
        seen.update(outcome["etags"])
        found = figures(outcome["results"])
        report(f"  {label} {rate} requests/s: " + line_for("", found)[2:] + f" ({load()})")
        if found["p95"] > TARGETS["p95"] or found["errors"]:
            break
        held = rate
    return held, seen


def arguments_given() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--step-seconds", type=int, default=30)
    parser.add_argument("--no-steps", action="store_true", help="only the run under writes")
    return parser.parse_args()


def report_data(paths: list[str]) -> None:
    published = Programme.objects.filter(status="published").count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('shared_buffers')")
        shared_buffers = cursor.fetchone()[0]
    report(f"## Directory under writes, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, {load()}")
    report(f"Data: {connection.settings_dict['NAME']}, {Programme.objects.count():,} programmes, "
           f"{published:,} published; PostgreSQL shared_buffers {shared_buffers}")  # fmt: skip
    searches = sum("q=" in path for path in paths)
    report(f"URLs: {len(paths):,} distinct ({searches:,} with a search term), from the live filter form's options")


def report_under_writes(arguments: argparse.Namespace, outcome: dict, writer: Writer, record: dict) -> None:
    found = figures(outcome["results"])
    first = figures([r for r in outcome["results"] if r[0] < 10])
    cpu_share = 100 * outcome["cpu_s"] / outcome["wall_s"]
    met = all(found[key] <= limit for key, limit in TARGETS.items()) and not found["errors"]
    report(
        line_for(f"Under writes, {arguments.rate:g} requests/s for {arguments.seconds} s", found)
        + f" — targets p95 ≤ 150, p99 ≤ 300, max ≤ 1000 ms, no errors: {'met' if met else 'MISSED'}"
    )
    report(line_for("  of which the first 10 s after gunicorn answered", first))
    report("  by 10 s window (due time): " + windows(outcome["results"]))
    report(f"  writes meanwhile: {writer.done} ({len(writer.failures)} failed {writer.failures[:3] or ''}); "
           f"load generator CPU {outcome['cpu_s']:.1f} s = {cpu_share:.1f}% of one core, "
           f"schedule late by up to {1000 * outcome['schedule_late_max_s']:.0f} ms ({load()})")  # fmt: skip
    record.update(under_writes=found, first_10s=first, writes=writer.done, write_failures=writer.failures[:20],
                  generator_cpu_s=outcome["cpu_s"], generator_wall_s=outcome["wall_s"], load=load())  # fmt: skip


def report_steps(arguments: argparse.Namespace, port: int, paths: list[str], record: dict) -> None:
    time.sleep(5)  # the worker's last recomputes commit: the pages' ETags hold from here on
    report(f"Step search, writes stopped, {arguments.step_seconds} s per rate, p95 ≤ 150 ms and no errors:")
    plain, etags = step_search(port, paths, arguments.step_seconds, None, "without conditional requests,")
    revisited = [path for path in paths if path in etags]  # only pages the client holds an ETag for
    report(f"  revalidating {len(revisited):,} distinct URLs with the ETags the first search got:")
    conditional, _ = step_search(port, revisited, arguments.step_seconds, etags, "with If-None-Match,")
    report(f"Highest steady rate with p95 ≤ 150 ms: {plain} requests/s without conditional requests, "
           f"{conditional} requests/s when every request revalidates an ETag it holds ({load()})")  # fmt: skip
    record.update(steady_rate=plain, steady_rate_conditional=conditional)


def main() -> None:
    arguments = arguments_given()
    folder = ROOT / "bench" / "results"
    folder.mkdir(exist_ok=True)
    paths = directory_urls(arguments.urls, random.Random(11))
    report_data(paths)
    writer = writer_for(arguments.seconds)
    connection.close()  # the web processes and the worker fork nothing of this process's
    port = free_port()
    worker = start_worker(folder / "directory_under_writes-celery.log")
    web = None
    record: dict = {"at": time.time(), "urls": len(paths), "rate": arguments.rate, "workers": arguments.workers}
    try:
        generator = Generator(job(port, paths, arguments.rate, arguments.seconds))
        started = time.monotonic()
        web = start_gunicorn(port, arguments.workers, folder / "directory_under_writes-gunicorn.log")
        first_answer(port, web)
        generator.go()
        writer.start()
        report(f"gunicorn ({arguments.workers} workers, gunicorn_conf warm start) answered "
               f"{time.monotonic() - started:.1f} s after it was started; the load began then ({load()})")  # fmt: skip
        outcome = generator.result()
        writer.halt.set()
        writer.join(timeout=30)
        report_under_writes(arguments, outcome, writer, record)
        if not arguments.no_steps:
            report_steps(arguments, port, paths, record)
    finally:
        writer.halt.set()
        if web is not None:
            stop(web, group=True)
        stop(worker)
    with open(folder / "directory_under_writes.jsonl", "a") as output:
        output.write(json.dumps({**record, "report": lines}) + "\n")


if __name__ == "__main__":
    main()
