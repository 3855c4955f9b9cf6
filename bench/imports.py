"""A 10,000-row programme import on national-scale data: time, queries and peak memory of each step.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qaportal_bench_imports .venv/bin/python bench/imports.py

Steps, as the worker runs them (the same service the Celery task calls): reading the uploaded CSV
into the job, the dry run (every row checked through the programme form and written in a
transaction that is rolled back), the import (the same, committed), then the same file uploaded
again (every row unchanged). Python's CPU time is given beside the wall time because it hardly
depends on the machine's load (PostgreSQL's own work is not in it). Peak memory is the process's
maximum resident set size (with --tracemalloc, also Python's peak allocation per step). Imports
write rows, so point DATABASE_URL at a copy of the national database (see bench/README.md); the
programmes it adds are deleted at the end.
Options: --rows N (default 10,000), --xlsx (upload a workbook instead of CSV), --tracemalloc.
"""

import argparse
import csv
import io
import json
import os
import resource
import sys
import time
import tracemalloc
from contextlib import contextmanager
from datetime import UTC, datetime

from django_setup import ROOT, setup_django

RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/qaportal_bench_imports"
PROVIDER_SLUG = "bench-import-provider"
TRACE = "--tracemalloc" in sys.argv  # Python's peak allocation per step; slows every step several times
TOPICS = ["reading", "mathematics", "behaviour", "curriculum", "science", "coaching", "wellbeing", "assessment"]


def bench_editor():
    from django.contrib.auth.models import Group, User

    from providers.models import Provider

    editor, _ = User.objects.get_or_create(username="bench-import-editor")
    editor.groups.add(Group.objects.get(name="provider-editor"))
    provider, _ = Provider.objects.get_or_create(
        slug=PROVIDER_SLUG,
        defaults={"name": "Bench Import Trust", "provider_type": "mat", "regions": ["london"], "phases": ["primary"]},
    )
    provider.editors.add(editor)
    return editor, provider


def rows(count: int) -> list[dict]:
    """Catalogue rows as a large provider's spreadsheet holds them: varied, valid, some with authorities."""
    modes = ["face-to-face", "blended", "online"]
    made = []
    for number in range(1, count + 1):
        topic, mode = TOPICS[number % len(TOPICS)], modes[number % 3]
        made.append({
            "reference": f"BENCH-{number:05d}",
            "title": f"Leading {topic} {number}",
            "summary": f"Helps leaders improve {topic} across the school, with coaching between sessions.",
            "focus_level": ["teacher", "middle-leader", "senior-leader"][number % 3],
            "phases": "primary; secondary" if number % 2 else "primary",
            "regions": "London; Yorkshire and the Humber",
            "format": "course",
            "delivery_mode": mode,
            "local_authorities": "" if mode == "online" else "Camden; Leeds",
            "contact_hours": str(6 + number % 40),
            "duration_weeks": str(4 + number % 30),
            "cost_per_participant": f"{(number % 50) * 25}.00",
            "funding_routes": "self-funded",
            "target_staff": f"{topic.title()} leads",
            "contact_email": "courses@example.org.uk",
            "booking_url": "https://example.org.uk/book",
            "next_start_on": "14/09/2027",
            "intended_outcomes": f"Leaders plan, teach and evaluate {topic} with their teams.",
            "evidence_base": "EEF guidance on professional development; the school's own evaluation.",
        })  # fmt: skip
    return made


def upload_of(table: list[dict], *, xlsx: bool):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if xlsx:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Programmes")
        sheet.append(list(table[0]))
        for row in table:
            sheet.append(list(row.values()))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return SimpleUploadedFile("catalogue.xlsx", buffer.getvalue())
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(table[0]))
    writer.writeheader()
    writer.writerows(table)
    return SimpleUploadedFile("catalogue.csv", buffer.getvalue().encode())


@contextmanager
def measured(label: str, figures: dict):
    from django.db import connection

    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    if TRACE:
        tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count):
        yield
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if TRACE else None
    tracemalloc.stop()
    figures[label] = {
        "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "queries": queries[0],
        "python_peak_mb": peak and round(peak, 1),
    }  # fmt: skip
    traced = f"  Python peak {peak:7.1f} MB" if TRACE else ""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label:>16}: {seconds:7.2f} s (Python CPU {cpu:6.2f} s)  {queries[0]:>5,} queries  "
        f"max RSS so far {rss:6.1f} MB{traced}",
        flush=True,
    )


def run(count: int, xlsx: bool) -> dict:
    from programmes import import_files, imports
    from programmes.models import ImportJob, Programme

    editor, provider = bench_editor()
    Programme.objects.filter(provider=provider).delete()
    upload = upload_of(rows(count), xlsx=xlsx)
    figures: dict = {}
    columns = imports.SPECS[ImportJob.Kind.PROGRAMMES].columns
    with measured("read file", figures):
        read = import_files.read_rows(upload, columns=columns)
        job = ImportJob.objects.create(
            kind=ImportJob.Kind.PROGRAMMES, provider=provider, requested_by=editor, file_name=upload.name,
            rows=read, total_rows=len(read),
        )  # fmt: skip
    # Each step as the worker runs it once it has claimed the job (progress written every 200 rows).
    with measured("dry run", figures):
        job = imports._execute(job)
    assert job.counts["create"] == count, job.counts
    ImportJob.objects.filter(pk=job.pk).update(step=ImportJob.Step.IMPORT, status=ImportJob.Status.RUNNING)
    job.refresh_from_db()
    with measured("import", figures):
        job = imports._execute(job)
    assert job.written and Programme.objects.filter(provider=provider).count() == count
    upload.seek(0)
    with measured("same file again", figures):  # read and checked, as an upload is
        read = import_files.read_rows(upload, columns=columns)
        again = ImportJob.objects.create(
            kind=ImportJob.Kind.PROGRAMMES, provider=provider, requested_by=editor, file_name=upload.name,
            rows=read, total_rows=len(read),
        )  # fmt: skip
        again = imports._execute(again)
    assert again.counts["unchanged"] == count, again.counts
    Programme.objects.filter(provider=provider).delete()
    ImportJob.objects.filter(pk__in=[job.pk, again.pk]).delete()
    figures["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--xlsx", action="store_true")
    parser.add_argument("--tracemalloc", action="store_true", help="also Python's peak allocation per step (slower)")
    options = parser.parse_args()
    setup_django(DATABASE_URL=DEFAULT_DATABASE_URL)
    from programmes.models import Programme

    load = os.getloadavg()
    print(f"{Programme.objects.count():,} programmes; {options.rows:,} rows as {'XLSX' if options.xlsx else 'CSV'}")
    figures = run(options.rows, options.xlsx)
    print(
        f"Maximum resident set size {figures['max_rss_mb']} MB; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    RESULTS.mkdir(exist_ok=True)
    record = {"at": datetime.now(UTC).isoformat(), "rows": options.rows, "xlsx": options.xlsx, "load": load, **figures}
    with open(RESULTS / "imports.jsonl", "a") as results:
        results.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
