"""The leaders' weekly digest at national scale: 20,000 leaders with 5 saved searches each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qaportal_bench_digest .venv/bin/python bench/leader_digest.py

Run it on a copy of the national database (it writes leaders, their searches and shortlists, and
the week's changes); see bench/README.md. Generated data, on top of the national seed: 20,000
verified leaders on weekly digests, each with 5 saved searches drawn from realistic directory
filters (about a quarter with search words) and one shortlist of 3 published programmes; over the
past week 2,000 programmes newly published, 1,500 shortlisted programmes re-rated and 100
withdrawn. Then one run of ``leaders.alerts.send_leader_alerts`` (the beat task's body), timed by
phase with its queries counted and e-mails sent to memory; a second run, which must send nothing.
"""

import json
import os
import random
import resource
import time
from datetime import UTC, datetime, timedelta

from django_setup import ROOT, setup_django

RESULTS = ROOT / "bench" / "results"
LEADERS, SEARCHES_EACH, SHORTLISTED_EACH = 20_000, 5, 3
NEW_PROGRAMMES, RERATED, WITHDRAWN = 2_000, 1_500, 100
WORDS = ["coaching", "phonics", "maths", "leadership", "behaviour", "reading", "send", "curriculum", "science",
         "mentoring", "assessment", "wellbeing"]  # fmt: skip


def start_django() -> None:
    # Always to memory, whatever the environment says: the run counts the digests in mail.outbox.
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    setup_django(DATABASE_URL="postgres://postgres@127.0.0.1:5432/qaportal_bench_digest")


def random_query(rng: random.Random) -> str:
    from urllib.parse import urlencode

    from programmes.vocabulary import FocusLevel, Format
    from providers.vocabulary import Phase, Region

    params = {"focus": rng.choice(FocusLevel.values), "region": rng.choice(Region.values)}
    if rng.random() < 0.5:
        params["phase"] = rng.choice(Phase.values)
    if rng.random() < 0.3:
        params["format"] = rng.choice(Format.values)
    if rng.random() < 0.25:
        params["q"] = rng.choice(WORDS)
    return urlencode(sorted(params.items()))


def generate(now: datetime) -> None:
    from django.db import connection, transaction

    from leaders.models import AlertSent, LeaderAccount, SavedSearch, ShortlistEntry

    with transaction.atomic():
        AlertSent.objects.all().delete()
        if not LeaderAccount.objects.exists():
            _make_leaders(random.Random(15), now)
        week_ago = now - timedelta(days=7)
        LeaderAccount.objects.update(last_digest_at=week_ago - timedelta(minutes=1))
        SavedSearch.objects.update(checked_until=week_ago)
        ShortlistEntry.objects.update(added_at=now - timedelta(days=30))
        _the_weeks_news(now, week_ago)
        cursor = connection.cursor()
        cursor.execute("ANALYZE leaders_shortlistentry; ANALYZE leaders_savedsearch; ANALYZE ratings_ratinghistory")


def _make_leaders(rng: random.Random, now: datetime) -> None:
    """LEADERS verified leaders, each with saved searches and one shortlist of published programmes."""
    from django.contrib.auth.models import User

    from leaders.models import LeaderAccount, SavedSearch, Shortlist, ShortlistEntry
    from programmes.models import Programme

    users = User.objects.bulk_create(
        [User(username=f"bench-leader-{n}", email=f"bench-leader-{n}@school.example", password="!")
         for n in range(LEADERS)], batch_size=5000)  # fmt: skip
    LeaderAccount.objects.bulk_create([LeaderAccount(user=user, email_verified_at=now) for user in users],
                                      batch_size=5000)  # fmt: skip
    published = list(Programme.objects.filter(status="published").values_list("id", flat=True))
    searches, shortlists = [], []
    for user in users:
        queries = {random_query(rng) for _ in range(SEARCHES_EACH * 2)}
        searches += [SavedSearch(owner=user, name=f"Search {n}", query=query, checked_until=now)
                     for n, query in enumerate(sorted(queries)[:SEARCHES_EACH])]  # fmt: skip
        shortlists.append(Shortlist(owner=user, name="Commissioning"))
    SavedSearch.objects.bulk_create(searches, batch_size=5000)
    Shortlist.objects.bulk_create(shortlists, batch_size=5000)
    entries = [
        ShortlistEntry(shortlist=shortlist, programme_id=programme_id)
        for shortlist in shortlists
        for programme_id in rng.sample(published, SHORTLISTED_EACH)
    ]
    ShortlistEntry.objects.bulk_create(entries, batch_size=5000)


def _the_weeks_news(now: datetime, week_ago: datetime) -> None:
    """Programmes newly published, shortlisted ones re-rated and withdrawn, all within the week."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ratings_ratinghistory WHERE computed_at > %s", [week_ago])
        # The seed spreads publication dates up to the present (18,382 programmes in its last week):
        # those go back a month, so the week holds the NEW_PROGRAMMES below, as a busy real week would.
        cursor.execute(
            "UPDATE programmes_programme SET published_at = published_at - interval '30 days' WHERE published_at > %s",
            [week_ago],
        )
        cursor.execute(
            "UPDATE programmes_programme SET published_at = %s - random() * interval '6 days' WHERE id IN "
            "(SELECT id FROM programmes_programme WHERE status = 'published' ORDER BY id DESC LIMIT %s)",
            [now, NEW_PROGRAMMES],
        )
        cursor.execute(
            "INSERT INTO ratings_ratinghistory (programme_id, review_count, shown_score, band, computed_at) "
            "SELECT programme_id, 3, 3.1, 'Secure', %s - interval '1 day' FROM "
            "(SELECT DISTINCT programme_id FROM leaders_shortlistentry ORDER BY programme_id LIMIT %s) AS picked",
            [now, RERATED],
        )
        cursor.execute(
            "UPDATE programmes_programme SET status = 'withdrawn' WHERE id IN (SELECT DISTINCT programme_id "
            "FROM leaders_shortlistentry ORDER BY programme_id DESC LIMIT %s)",
            [WITHDRAWN],
        )


def timed(label: str, figures: dict, function, *args, **kwargs):
    """Run one phase, recording its time and its number of queries (counted, not kept: keeping
    the SQL of the inserts would add hundreds of megabytes to the peak memory measured)."""
    from django.db import connection

    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        figures[label] = {"seconds": round(time.perf_counter() - started, 2), "queries": count[0]}
    return result


def main() -> None:
    start_django()
    from django.core import mail
    from django.db.models import Count

    from leaders import alerts
    from leaders.models import AlertSent, SavedSearch

    now = datetime.now(UTC)
    figures: dict = {}
    timed("generate", figures, generate, now)
    mail.outbox = []
    timed("shortlist changes", figures, alerts.find_shortlist_changes, now=now)
    timed("new matches", figures, alerts.find_new_matches, now=now)
    due = timed("due leaders", figures, alerts.due_leaders, now=now)
    timed("delivery", figures, alerts.deliver_all, user_ids=due, now=now)
    emails = len(mail.outbox)
    mail.outbox = []
    timed("second run", figures, alerts.send_leader_alerts, now=now + timedelta(minutes=5))
    result = {
        "when": now.isoformat(timespec="seconds"),
        "generated_seconds": figures.pop("generate")["seconds"],
        "leaders": LEADERS,
        "saved_searches": SavedSearch.objects.count(),
        "distinct_searches": SavedSearch.objects.values("query").distinct().count(),
        "alerts": dict(AlertSent.objects.values_list("kind").annotate(Count("id"))),
        "emails": emails,
        "emails_second_run": len(mail.outbox),
        "phases": figures,
        "total_seconds": round(sum(phase["seconds"] for label, phase in figures.items() if label != "second run"), 1),
        "total_queries": sum(phase["queries"] for label, phase in figures.items() if label != "second run"),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    with open(RESULTS / "leader_digest.jsonl", "a") as log:
        log.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
