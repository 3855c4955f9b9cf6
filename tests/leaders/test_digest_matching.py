"""The digest matches saved searches in memory (the directory snapshot's masks) and delivers in
batches. On a generated register it must find exactly what applying each search's FilterSet in
SQL to the recently published programmes finds (the matcher it replaced), and send the same digests."""

import random
from datetime import timedelta
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from leaders import alerts, services
from leaders.matching import programmes_matching
from leaders.models import AlertKind, AlertSent, LeaderAccount, SavedSearch
from programmes.filters import ProgrammeFilter
from programmes.models import Programme
from programmes.vocabulary import FocusLevel, ProgrammeStatus
from providers.vocabulary import Phase, Region
from tests.directory.test_snapshot_agrees_with_the_database import as_query, parameters, random_register
from tests.leaders.conftest import make_leader

pytestmark = pytest.mark.django_db
__all__ = ["random_register"]  # the fixture, shared with the directory's own agreement test


@pytest.fixture
def register_published_over_a_fortnight(random_register):
    """The generated register, its programmes published at random times over the last two weeks."""
    rng, now = random.Random(15), timezone.now()
    for programme in Programme.objects.filter(status=ProgrammeStatus.PUBLISHED):
        published = now - timedelta(hours=rng.uniform(0, 14 * 24))
        Programme.objects.filter(pk=programme.pk).update(published_at=published)
    return now


def sql_matcher(query: str, since, mark) -> list[int]:
    """The matcher the digest used before: the search's FilterSet conditions applied in SQL."""
    recent = Programme.objects.filter(status=ProgrammeStatus.PUBLISHED, published_at__gt=since, published_at__lte=mark)
    return sorted(ProgrammeFilter(QueryDict(query)).filter_queryset(recent).values_list("id", flat=True))


@examples(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=parameters, days=st.sampled_from([1, 3, 7, 10]))
def test_the_in_memory_matcher_finds_what_the_sql_matcher_found(register_published_over_a_fortnight, params, days):
    mark = register_published_over_a_fortnight
    since = mark - timedelta(days=days)
    query = as_query(params).urlencode()
    recent = list(
        Programme.objects.filter(status=ProgrammeStatus.PUBLISHED, published_at__gt=since, published_at__lte=mark)
        .values_list("id", flat=True)
    )  # fmt: skip

    matched = programmes_matching([query], recent)
    assert list(matched) == [query] and matched[query].tolist() == sql_matcher(query, since, mark)


def random_query(rng: random.Random) -> str:
    """A saved search as leaders make them: a focus or phase, often a region, sometimes words."""
    params = {rng.choice(["focus", "phase"]): rng.choice(FocusLevel.values if rng.random() < 0.5 else Phase.values)}
    if rng.random() < 0.6:
        params["region"] = rng.sample(Region.values, rng.randint(1, 2))
    if rng.random() < 0.3:
        params["q"] = rng.choice(["coaching", "reading", "mentor leadership"])
    if rng.random() < 0.3:
        params[rng.choice(["rated", "free", "hide_expired"])] = "true"
    return as_query(params).urlencode()


def test_many_searches_matched_in_one_pass_each_get_what_the_sql_matcher_found(register_published_over_a_fortnight):
    rng, mark = random.Random(7), register_published_over_a_fortnight
    since = mark - timedelta(days=7)
    queries = [random_query(rng) for _ in range(40)] + [
        "element_min=3", "element=value&element_min=2", "min_cost=450&max_cost=150", "max_cost=300&q=reading",
        "min_band=9", "focus=nobody", "q=zzz", "",
    ]  # fmt: skip
    recent = list(
        Programme.objects.filter(status=ProgrammeStatus.PUBLISHED, published_at__gt=since, published_at__lte=mark)
        .values_list("id", flat=True)
    )  # fmt: skip

    matched = programmes_matching(queries, recent)

    assert {query: ids.tolist() for query, ids in matched.items()} == {
        query: sql_matcher(query, since, mark) for query in queries
    }


def saved_searches_for_leaders(count: int, checked_days_ago: list[int]) -> list:
    """``count`` weekly leaders, each with three saved searches drawn from the directory's filters
    and last checked a few days ago (a different time per search)."""
    rng = random.Random(1215)
    leaders = []
    for number in range(count):
        leader = make_leader(f"head-{number}@school.example")
        for index in range(3):
            query = random_query(rng) if index else "q=coaching"
            services.saved_search_create(by=leader, name=f"Search {number}-{index}", query=query)
        leaders.append(leader)
    for search in SavedSearch.objects.all():
        search.checked_until = timezone.now() - timedelta(days=rng.choice(checked_days_ago))
        search.save(update_fields=["checked_until"])
    return leaders


def expected_lines(leader, now) -> list[str]:
    """What the old matcher would have put in a leader's digest: each new match's line, under the
    leader's first search that matches it (a programme is news once per leader)."""
    lines, seen = [], set()
    for search in SavedSearch.objects.filter(owner=leader).order_by("id"):
        for programme_id in sql_matcher(search.query, search.checked_until, now - alerts.SNAPSHOT_MARGIN):
            if programme_id in seen:
                continue
            seen.add(programme_id)
            programme = Programme.objects.select_related("provider").get(pk=programme_id)
            lines.append(alerts.LINES[AlertKind.NEW_MATCH].format(search=search.name, title=programme.title,
                                                           provider=programme.provider.name))  # fmt: skip
    return sorted(lines)


def digest_lines(message) -> list[str]:
    return sorted(line for line in message.body.splitlines() if line.startswith("New on the register"))


def test_every_leaders_digest_holds_what_the_sql_matcher_found_and_is_sent_once(register_published_over_a_fortnight):
    leaders = saved_searches_for_leaders(12, checked_days_ago=[2, 5, 7, 9])
    now = timezone.now()
    expected = {leader.email: expected_lines(leader, now) for leader in leaders}

    alerts.send_leader_alerts(now=now)
    alerts.send_leader_alerts(now=now + timedelta(days=8))

    received = {message.to[0]: digest_lines(message) for message in mail.outbox}
    assert len(mail.outbox) == len([lines for lines in expected.values() if lines])
    assert received == {email: lines for email, lines in expected.items() if lines}
    assert not AlertSent.objects.filter(delivered_at__isnull=True).exists()


class RefusingBackend(EmailBackend):
    """An outgoing mail server that refuses one address, as a real one refuses a dead mailbox."""

    def send_messages(self, messages):
        for message in messages:
            if "refused" in message.to[0]:
                raise SMTPRecipientsRefused({message.to[0]: (550, b"No such mailbox")})
        return super().send_messages(messages)


def test_a_refused_address_stays_owed_while_the_rest_of_its_batch_is_sent(
    register_published_over_a_fortnight, settings
):
    settings.EMAIL_BACKEND = "tests.leaders.test_digest_matching.RefusingBackend"
    refused = make_leader("refused@school.example")
    fine = [make_leader(f"fine-{number}@school.example") for number in range(3)]
    for leader in [*fine[:2], refused, fine[2]]:
        services.saved_search_create(by=leader, name="Coaching", query="q=coaching")
    SavedSearch.objects.update(checked_until=timezone.now() - timedelta(days=14))

    alerts.send_leader_alerts()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(leader.email for leader in fine)
    assert AlertSent.objects.filter(user=refused, delivered_at__isnull=True).exists()
    assert not AlertSent.objects.filter(user__in=fine, delivered_at__isnull=True).exists()
    assert LeaderAccount.objects.get(user=refused).last_digest_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    alerts.send_leader_alerts(now=timezone.now() + timedelta(minutes=5))
    assert [message.to[0] for message in mail.outbox[3:]] == [refused.email]


def test_delivering_to_many_leaders_takes_a_few_queries_per_batch_not_per_leader(
    register_published_over_a_fortnight, django_assert_max_num_queries
):
    leaders = saved_searches_for_leaders(30, checked_days_ago=[14])
    alerts.find_new_matches(now=timezone.now())
    due = alerts.due_leaders(now=timezone.now())
    assert sorted(due) == sorted(leader.pk for leader in leaders)

    with django_assert_max_num_queries(8):
        delivered = alerts.deliver_all(user_ids=due, now=timezone.now())

    assert len(mail.outbox) == 30 and delivered == AlertSent.objects.count()
