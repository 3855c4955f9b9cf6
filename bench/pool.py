"""Time suggested assignment on the national seed: one programme, and a queue of 1,000.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qaportal_bench_pool .venv/bin/python bench/pool.py

Run it on a copy of the national database (it migrates it and, the first time, gives every
seeded reviewer a pool profile with a status, capacity and expertise the way ``seed_demo`` now
does). It only reads while timing. Targets: one programme under 100 ms; 1,000 programmes under 10 s.
"""

import argparse
import json
import os
import random
import statistics
import time
from datetime import UTC, datetime

from django_setup import ROOT, setup_django

setup_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from demo.pool import seed_pool  # noqa: E402
from pool.models import ReviewerProfile  # noqa: E402
from pool.suggestions import suggest_for_programme, suggest_for_queue  # noqa: E402
from programmes.models import Programme  # noqa: E402
from programmes.vocabulary import ProgrammeStatus  # noqa: E402
from qaportal.roles import Role  # noqa: E402
from reviews.models import Framework  # noqa: E402


def prepare() -> None:
    call_command("migrate", verbosity=0)
    # The migration that created the pool made every existing reviewer active with capacity 4;
    # the national seed's reviewers have about eight open reviews each, so the seed's own pool
    # (capacity from open work plus spare places, varied expertise) replaces it once.
    if ReviewerProfile.objects.exclude(expertise_tags=[]).exists():
        return
    from django.contrib.auth.models import User

    with transaction.atomic():
        ReviewerProfile.objects.all().delete()
        reviewer_ids = list(User.objects.filter(groups__name=Role.REVIEWER).values_list("id", flat=True))
        demo = User.objects.filter(username="reviewer").values_list("id", flat=True).first() or reviewer_ids[0]
        seed_pool(
            reviewer_ids=reviewer_ids,
            demo_reviewer_id=demo,
            framework=Framework.objects.get(is_live=True),
            rng=random.Random(1),
        )
    # A copy of the national database may have no planner statistics (see bench/README.md); without
    # them PostgreSQL misjudges the candidate query by orders of magnitude and spends seconds on JIT.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(function, runs: int) -> tuple[list[float], object]:
    function()  # warm-up
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    return seconds, result


def print_report(report: dict, runs: int) -> None:
    one, queue = report["one_programme_ms"], report["queue"]
    print(
        f"Pool of {report['pool']:,} reviewers, {report['reviews']:,} reviews, {report['cores']} cores, "
        f"load {report['load_average_after']}\n"
        f"one programme: p50 {one['p50']:.1f} ms, max {one['max']:.1f} ms over {runs} runs (target < 100 ms)\n"
        f"queue of {queue['programmes']:,}: p50 {queue['seconds_p50']:.2f} s, max {queue['max']:.2f} s; "
        f"{queue['picks']:,} reviewers suggested, {queue['short']} programmes short (target < 10 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--queue", type=int, default=1000)
    options = parser.parse_args()
    prepare()
    pool_size = ReviewerProfile.objects.count()
    submitted = list(Programme.objects.filter(status=ProgrammeStatus.SUBMITTED).values_list("id", flat=True)[:50])
    choices = iter(submitted * options.runs)
    one, _ = timed(lambda: suggest_for_programme(programme_id=next(choices)), options.runs)
    queue, made = timed(lambda: suggest_for_queue(limit=options.queue), max(3, options.runs // 5))
    picks = sum(len(suggestion.picks) for suggestion in made)
    short = sum(1 for suggestion in made if suggestion.note)
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    report = {
        "when": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "cores": os.cpu_count(),
        "pool": pool_size,
        "one_programme_ms": {"p50": statistics.median(one) * 1000, "max": max(one) * 1000},
        "queue": {
            "programmes": len(made),
            "seconds_p50": statistics.median(queue),
            "max": max(queue),
            "picks": picks,
            "short": short,
        },
        "load_average_after": load,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM reviews_review")
        report["reviews"] = cursor.fetchone()[0]
    print_report(report, options.runs)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"pool-{datetime.now(UTC):%Y%m%d-%H%M%S}.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
