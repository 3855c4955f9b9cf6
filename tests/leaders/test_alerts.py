"""Alerts: new programmes matching a saved search, rating changes and withdrawals of shortlisted
programmes, each e-mailed once, in a weekly digest or straight away, with one-click unsubscribe."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from leaders import alerts, services
from leaders.models import AlertFrequency, AlertSent, LeaderAccount, SavedSearch
from programmes.vocabulary import FocusLevel, ProgrammeStatus
from ratings.engine import recompute_programme
from tests import factories
from tests.conftest import at_once
from tests.leaders.conftest import make_leader

pytestmark = pytest.mark.django_db


def rate(programme, reviewers, score):
    for reviewer in reviewers:
        factories.make_review(programme, reviewer, scores=score)
    recompute_programme(programme_id=programme.id)


@pytest.fixture
def reviewers(reviewer, other_reviewer):
    return [reviewer, other_reviewer]


@pytest.fixture
def shortlisted(leader, catalogue):
    shortlist = services.shortlist_create(by=leader, name="Reading")
    for programme in catalogue:
        services.shortlist_add(by=leader, shortlist=shortlist, programme=programme)
    return catalogue


def test_a_rating_change_on_a_shortlisted_programme_is_sent_once(leader, shortlisted, reviewers):
    rate(shortlisted[0], reviewers, 3)

    assert alerts.send_leader_alerts() == 1
    assert alerts.send_leader_alerts() == 0
    later = timezone.now() + timedelta(days=8)
    assert alerts.send_leader_alerts(now=later) == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["head-hana@school.example"]
    assert "Rating changed on your shortlist: Phonics for all is now Secure" in message.body


def test_changes_made_before_a_programme_was_shortlisted_are_not_news(leader, catalogue, reviewers):
    rate(catalogue[0], reviewers, 3)
    services.shortlist_add(
        by=leader, shortlist=services.shortlist_create(by=leader, name="Late"), programme=catalogue[0]
    )

    assert alerts.send_leader_alerts() == 0


def test_a_weekly_leader_gets_one_digest_a_week_and_an_immediate_one_each_time(leader, shortlisted, reviewers):
    eager = make_leader("head-ivy@school.example", alert_frequency=AlertFrequency.IMMEDIATE)
    eager_list = services.shortlist_create(by=eager, name="Eager")
    for programme in shortlisted:
        services.shortlist_add(by=eager, shortlist=eager_list, programme=programme)
    now = timezone.now()
    rate(shortlisted[0], reviewers, 3)
    alerts.send_leader_alerts(now=now)
    rate(shortlisted[1], reviewers, 2)

    alerts.send_leader_alerts(now=now + timedelta(hours=1))
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["head-hana@school.example", "head-ivy@school.example", "head-ivy@school.example"]
    alerts.send_leader_alerts(now=now + timedelta(days=7, minutes=1))
    hana = [m for m in mail.outbox if m.to == ["head-hana@school.example"]]
    assert len(hana) == 2 and "Maths mastery is now Developing" in hana[1].body


def test_a_withdrawal_of_a_shortlisted_programme_is_sent_once(leader, shortlisted, convenor):
    from programmes.lifecycle import programme_withdraw

    programme_withdraw(programme=shortlisted[2], by=convenor, reason="No longer offered")
    alerts.send_leader_alerts()
    alerts.send_leader_alerts(now=timezone.now() + timedelta(days=8))

    assert len(mail.outbox) == 1
    assert "Withdrawn from the register: Coaching" in mail.outbox[0].body


def test_a_new_programme_matching_a_saved_search_is_sent_once(leader, provider):
    services.saved_search_create(by=leader, name="Heads", query=f"focus={FocusLevel.HEADTEACHER}")
    SavedSearch.objects.update(checked_until=timezone.now() - timedelta(days=1))
    published = timezone.now() - timedelta(hours=1)
    factories.make_programme(provider, title="Headship now", focus_level=FocusLevel.HEADTEACHER, published_at=published)
    factories.make_programme(provider, title="Not for heads", focus_level=FocusLevel.TEACHER, published_at=published)

    alerts.send_leader_alerts()
    alerts.send_leader_alerts(now=timezone.now() + timedelta(days=8))

    assert len(mail.outbox) == 1
    assert "matching your search “Heads”: Headship now" in mail.outbox[0].body
    assert "Not for heads" not in mail.outbox[0].body


def test_leaders_who_stopped_alerts_get_nothing(leader, shortlisted, reviewers):
    LeaderAccount.objects.update(alert_frequency=AlertFrequency.NEVER)
    rate(shortlisted[0], reviewers, 3)
    assert alerts.send_leader_alerts() == 0 and not AlertSent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_digest_runs_at_once_send_each_change_once(leader, shortlisted, reviewers):
    rate(shortlisted[0], reviewers, 3)
    rate(shortlisted[1], reviewers, 4)
    delivered = []

    at_once(lambda: delivered.append(alerts.send_leader_alerts()), 2)

    assert sorted(delivered) == [0, 2]
    assert [message.subject for message in mail.outbox if "change" in message.subject] == [
        "2 changes on the LPD/CPD Quality Register"
    ]
    assert AlertSent.objects.filter(delivered_at__isnull=False).count() == 2


def test_every_digest_carries_one_click_unsubscribe_headers(client, leader, shortlisted, reviewers):
    rate(shortlisted[0], reviewers, 3)
    alerts.send_leader_alerts()
    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    address = headers["List-Unsubscribe"].strip("<>")
    path = "/" + address.split("://", 1)[1].split("/", 1)[1]

    assert client.get(path).status_code == 200
    assert LeaderAccount.objects.get().alert_frequency == AlertFrequency.WEEKLY
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200  # no session, no CSRF token

    assert LeaderAccount.objects.get().alert_frequency == AlertFrequency.NEVER
    assert client.post("/account/unsubscribe/forged/").status_code == 400


def test_a_search_is_saved_from_the_directory_or_a_pasted_address(client, leader):
    client.force_login(leader)
    client.post("/account/searches/save/", {"query": "region=london&page=3&focus=headteacher", "name": "London heads",
                                            "next": "/programmes/?region=london"})  # fmt: skip
    client.post(
        "/account/searches/save/", {"url": "https://register.example/programmes/?focus=headteacher&region=london"}
    )

    assert list(SavedSearch.objects.values_list("query", flat=True)) == ["focus=headteacher&region=london"]
    refused = client.post("/account/searches/save/", {"url": "https://register.example/providers/?x=1"})
    assert refused.status_code == 400 and "Paste the address of a directory search" in refused.content.decode()


def test_the_directory_offers_leaders_to_save_the_search(client, leader, catalogue):
    assert "Save this search" not in client.get("/programmes/?q=maths").content.decode()
    client.force_login(leader)
    assert "Save this search" in client.get("/programmes/?q=maths").content.decode()


def test_another_leaders_saved_search_cannot_be_deleted(client, leader, other_leader):
    search = services.saved_search_create(by=leader, name="Mine", query="q=maths")
    client.force_login(other_leader)
    assert client.post(f"/account/searches/{search.id}/delete/").status_code == 404
    assert SavedSearch.objects.exists()


def test_programmes_status_is_respected(leader, provider):
    # A draft matching a search is not news.
    services.saved_search_create(by=leader, name="All", query="")
    SavedSearch.objects.update(checked_until=timezone.now() - timedelta(days=1))
    factories.make_programme(provider, status=ProgrammeStatus.DRAFT, published_at=timezone.now() - timedelta(hours=1))
    assert alerts.send_leader_alerts() == 0


def test_an_expiry_of_a_shortlisted_programmes_rating_is_sent_once(leader, shortlisted, reviewers, framework):
    from reviews.accreditation import ratings_expire, validity_start

    rate(shortlisted[0], reviewers, 3)
    validity_start(programme_id=shortlisted[0].id, framework=framework, at=timezone.now())
    alerts.send_leader_alerts()
    mail.outbox.clear()
    expiry_day = timezone.now() + timedelta(days=31 * framework.validity_months + 1)

    assert ratings_expire(now=expiry_day) == 1
    alerts.send_leader_alerts(now=expiry_day)
    ratings_expire(now=expiry_day + timedelta(days=1))
    alerts.send_leader_alerts(now=expiry_day + timedelta(days=8))
    alerts.send_leader_alerts(now=expiry_day + timedelta(days=16))

    expiries = [message for message in mail.outbox if "Rating expired on your shortlist" in message.body]
    assert len(expiries) == 1
    assert "Phonics for all (Northgate Learning Trust) has not been reaccredited in time" in expiries[0].body
    assert AlertSent.objects.filter(kind="expired").count() == 1


def test_an_expiry_before_the_programme_was_shortlisted_is_not_news(leader, catalogue, reviewers, framework):
    from reviews.accreditation import ratings_expire, validity_start

    rate(catalogue[0], reviewers, 3)
    validity_start(programme_id=catalogue[0].id, framework=framework, at=timezone.now() - timedelta(days=4000))
    ratings_expire()
    late = services.shortlist_create(by=leader, name="Late")
    services.shortlist_add(by=leader, shortlist=late, programme=catalogue[0])

    alerts.send_leader_alerts()

    assert not AlertSent.objects.filter(kind="expired").exists()
