"""Exports on national-scale data, in one run: the CSV and the XLSX of every programme and the PDF report.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qaportal_bench_summaries .venv/bin/python bench/exports.py

Each export runs in a fresh child process so that its peak memory (maximum resident set size) is its own.
The CSV goes through the streamed web response (/convenor/summaries/download.csv), consumed chunk by
chunk as a browser would; the XLSX and the PDF run the export job service the Celery task calls. Export
jobs write rows, so point DATABASE_URL at a copy of the national database (see bench/README.md).
Targets: CSV < 15 s and < 300 MB peak; XLSX < 60 s; PDF < 20 s.
"""

import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime

from django_setup import ROOT, setup_django

RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/qaportal_bench_summaries"
ALL_STATUSES = ["draft", "submitted", "in-review", "published", "withdrawn"]
TARGETS = {"csv": (15, 300), "xlsx": (60, None), "pdf": (20, None)}


def bench_user():
    from django.contrib.auth.models import Group, User

    user, _ = User.objects.get_or_create(username="bench-convenor", defaults={"email": "bench@example.org"})
    user.groups.add(Group.objects.get(name="convenor"))
    return user


def measure_csv() -> dict:
    from django.test import Client

    client = Client()
    client.force_login(bench_user())
    started = time.perf_counter()
    response = client.get("/convenor/summaries/download.csv", {"status": ALL_STATUSES, "table": "programmes"})
    assert response.status_code == 200 and response.streaming, response.status_code
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return {"seconds": time.perf_counter() - started, "rows": lines - 1, "bytes": size}


def measure_job(export_format: str, filters: dict) -> dict:
    from django.core.cache import cache

    from summaries import services
    from summaries.filters import summary_filterset
    from summaries.models import ExportJob
    from summaries.selectors import summary_cache_key

    # Cold: forget any cached figures for these filters, so the export computes every table itself.
    filterset = summary_filterset(filters)
    assert filterset.is_valid(), filterset.errors
    cache.delete(summary_cache_key(scope=filterset.scope()))
    job = ExportJob.objects.create(requested_by=bench_user(), format=export_format, filters=filters)
    started = time.perf_counter()
    services.export_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == "ready", job.error
    size = job.file_size
    job.file.delete(save=False)
    job.delete()
    return {"seconds": seconds, "bytes": size}


def measure(name: str) -> dict:
    setup_django(DATABASE_URL=DEFAULT_DATABASE_URL)
    from programmes.models import Programme

    programmes = Programme.objects.count()
    if name == "csv":
        figures = measure_csv()
    elif name == "xlsx":
        figures = measure_job("xlsx", {"status": ALL_STATUSES})
    else:
        figures = measure_job("pdf", {})
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures.update(
        export=name,
        programmes_in_database=programmes,
        peak_memory_mb=usage.ru_maxrss / 1024,
        # CPU time of this Python process alone: on a busy machine the wall time waits for a core, this
        # does not (PostgreSQL's own work is not in it).
        python_cpu_seconds=usage.ru_utime + usage.ru_stime,
    )
    return figures


def run_all() -> None:
    setup_django(DATABASE_URL=DEFAULT_DATABASE_URL)
    subprocess.run([sys.executable, "manage.py", "migrate", "summaries", "--no-input", "-v", "0"], cwd=ROOT, check=True)
    results = []
    for name in ("csv", "xlsx", "pdf"):
        load_before = os.getloadavg()[0]
        child = subprocess.run(
            [sys.executable, __file__, "--one", name], cwd=ROOT, check=True, capture_output=True, text=True
        )
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        figures["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        seconds_target, memory_target = TARGETS[name]
        figures["meets_target"] = figures["seconds"] < seconds_target and (
            memory_target is None or figures["peak_memory_mb"] < memory_target
        )
        results.append(figures)
        print(
            f"{name:5} {figures['seconds']:7.1f} s  (Python CPU {figures['python_cpu_seconds']:.1f} s)  "
            f"peak {figures['peak_memory_mb']:6.0f} MB  "
            f"{figures['bytes'] / 1e6:7.1f} MB file  rows {figures.get('rows', '-')}  "
            f"load {figures['load_average_1min'][0]:.2f}→{figures['load_average_1min'][1]:.2f}  "
            f"target {'met' if figures['meets_target'] else 'MISSED'} ({seconds_target} s"
            f"{f', {memory_target} MB' if memory_target else ''})",
            flush=True,
        )
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"exports-{stamp}.json").write_text(
        json.dumps(
            {"cpus": os.cpu_count(), "database": os.environ["DATABASE_URL"].rsplit("/", 1)[-1], "results": results},
            indent=2,
        )
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(measure(sys.argv[2])))
    else:
        run_all()
