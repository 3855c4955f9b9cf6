"""Ratings at national scale, one run: one programme's recompute, the preview of a framework
draft, and publishing it (the whole-register recompute), each with its steps' times.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qaportal_bench_engine .venv/bin/python bench/ratings_method.py

It writes (a framework version, ratings), so point it at a copy of the national database.
"""

import os
import statistics
import time
from decimal import Decimal

from django_setup import setup_django

setup_django()

from django.contrib.auth.models import User  # noqa: E402

from ratings import engine  # noqa: E402
from ratings.models import ProgrammeRating  # noqa: E402
from ratings.preview import framework_publication_preview  # noqa: E402
from ratings.services import ratings_refresh_all  # noqa: E402
from reviews.frameworks import framework_new_draft, framework_publish  # noqa: E402
from reviews.migrations._starting_framework import BAND_ELEMENT_FLOORS  # noqa: E402
from reviews.models import Band, Framework  # noqa: E402


def load() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def stepwise(label):
    started = last = time.monotonic()
    steps = []

    def progress(step):
        nonlocal last
        now = time.monotonic()
        steps.append(f"{step} {now - last:.1f} s")
        last = now

    def done():
        print(f"{label}: {time.monotonic() - started:.1f} s ({', '.join(steps)}; {load()})", flush=True)

    return progress, done


def main() -> None:
    ids = list(ProgrammeRating.objects.order_by("?").values_list("programme_id", flat=True)[:60])
    times = []
    for programme_id in ids:
        started = time.perf_counter()
        engine.recompute_programme(programme_id=programme_id)
        times.append((time.perf_counter() - started) * 1000)
    times = sorted(times[10:])
    print(f"One programme: p50 {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95)]:.1f} ms, "
          f"max {times[-1]:.1f} ms over {len(times)} ({load()})", flush=True)  # fmt: skip

    convenor = User.objects.filter(is_staff=True).first() or User.objects.create(
        username="bench-convenor", is_staff=True
    )
    draft = framework_new_draft(source=Framework.objects.get(is_live=True), by=convenor)
    Framework.objects.filter(pk=draft.pk).update(band_score="raw")
    for name, floor in BAND_ELEMENT_FLOORS.items():
        Band.objects.filter(framework=draft, name=name).update(element_floor=floor)
    draft.elements.filter(key="purpose").update(weight=Decimal("2"))
    draft.refresh_from_db()

    progress, done = stepwise("Preview of method version 2 (bands on the raw overall, floors, Purpose weighs 2)")
    changes = framework_publication_preview(draft=draft, progress=progress)
    done()
    for change in changes:
        print(f"  {change.from_band} -> {change.to_band}: {change.programmes}")

    framework_publish(framework=draft, by=convenor)
    progress, done = stepwise("Publish: the whole-register recompute (every rating rewritten)")
    ratings_refresh_all(progress=progress)
    done()
    progress, done = stepwise("Full recompute again (nothing changed)")
    ratings_refresh_all(progress=progress)
    done()


if __name__ == "__main__":
    main()
