"""Concerns: anyone raises one (with anti-automation), convenors triage, the provider responds,
and an upheld concern's re-review replaces the rating; every step is in the audit trail."""

import time

import pytest
from django.core import signing
from django.core.cache import cache

from ratings.models import ProgrammeRating
from reviews import services
from reviews.audit import Action
from reviews.models import AuditEvent, Concern, ConcernStatus, Notification
from tests import factories
from tests.workflow.conftest import published_through_the_service, rereviewed_and_published

pytestmark = pytest.mark.django_db
CONCERN = "The programme claims ten coaching sessions but only two took place in our school."


def stamp(seconds_ago: float = 10) -> str:
    return signing.dumps({"shown_at": time.time() - seconds_ago}, salt="concern-form")


def concern_post(**overrides) -> dict:
    return {"what": CONCERN, "evidence": "Our timetable.", "contact": "head@school.example", "website": "",
            "stamp": stamp(), **overrides}  # fmt: skip


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


@pytest.fixture
def published(provider, convenor, reviewer, other_reviewer):
    return published_through_the_service(provider, convenor, (reviewer, other_reviewer), title="Coaching Heads")


def test_anyone_can_raise_a_concern_about_a_published_programme(client, published):
    assert 'name="website"' in client.get(f"/programmes/{published.slug}/concern/").content.decode()
    response = client.post(f"/programmes/{published.slug}/concern/", concern_post())
    assert response.status_code == 200 and "Concern sent" in response.content.decode()
    concern = Concern.objects.get(programme=published)
    assert (concern.what, concern.status) == (CONCERN, ConcernStatus.OPEN)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (lambda: {"website": "http://spam.example"}, "Leave the last field empty"),
        (lambda: {"stamp": stamp(seconds_ago=0)}, "sent very quickly"),
        (lambda: {"stamp": stamp(seconds_ago=2 * 86400)}, "This form has expired"),
        (lambda: {"stamp": "forged"}, "Reload the page"),
        (lambda: {"what": "Bad."}, "at least 20 characters"),
        (lambda: {"evidence": "Our\x1b timetable."}, "must not contain control characters (it has U+001B)"),
        (lambda: {"what": CONCERN + "\x00"}, "must not contain control characters (it has U+0000)"),
    ],
    ids=["honeypot", "too-fast", "stale-form", "forged-stamp", "too-short", "control-evidence", "control-concern"],
)
def test_automated_or_incomplete_concerns_are_refused_keeping_what_was_typed(client, published, overrides, message):
    response = client.post(f"/programmes/{published.slug}/concern/", concern_post(**overrides()))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "head@school.example" in page
    assert not Concern.objects.exists()


def test_one_address_may_raise_only_a_few_concerns_an_hour(client, published):
    for _ in range(5):
        assert client.post(f"/programmes/{published.slug}/concern/", concern_post()).status_code == 200
    refused = client.post(f"/programmes/{published.slug}/concern/", concern_post())
    assert refused.status_code == 400 and "Too many concerns" in refused.content.decode()
    assert Concern.objects.count() == 5


def test_a_convenor_dismisses_a_concern_with_a_reason(client, convenor, published):
    concern = Concern.objects.create(programme=published, what=CONCERN)
    client.force_login(convenor)
    refused = client.post(f"/convenor/concerns/{concern.pk}/", {"action": "dismiss", "dismiss-reason": ""})
    assert refused.status_code == 400
    client.post(f"/convenor/concerns/{concern.pk}/", {"action": "dismiss", "dismiss-reason": "Sessions were online."})
    concern.refresh_from_db()
    assert (concern.status, concern.convenor_note) == (ConcernStatus.DISMISSED, "Sessions were online.")
    assert "Upheld concerns" not in client.get(published.get_absolute_url()).content.decode()


def test_a_concerns_full_cycle_to_a_re_review_that_replaces_the_rating(
    client, convenor, provider_editor, published, mailoutbox
):
    client.post(f"/programmes/{published.slug}/concern/", concern_post())
    concern = Concern.objects.get()
    assert ProgrammeRating.objects.get(programme=published).raw_mean == pytest.approx(4.0)

    client.force_login(convenor)
    client.post(f"/convenor/concerns/{concern.pk}/", {"action": "ask", "ask-question": "How many sessions ran?"})
    services.notification_send(notification_id=Notification.objects.get(kind="concern-question").pk)
    assert mailoutbox[-1].to == ["editor-ann@example.org"] and "head@school.example" not in mailoutbox[-1].body

    client.force_login(provider_editor)
    listed = client.get("/provider/concerns/").content.decode()
    assert CONCERN in listed and "How many sessions ran?" in listed and "head@school.example" not in listed
    client.post(f"/provider/concerns/{concern.pk}/respond/", {"response": "Two ran; eight were postponed."})

    client.force_login(convenor)
    summary = "Fewer coaching sessions were delivered than described."
    client.post(f"/convenor/concerns/{concern.pk}/", {"action": "rereview", "rereview-public_summary": summary})
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.UPHELD
    assert "Under re-review (a concern)" in client.get(f"/convenor/programmes/{published.slug}/").content.decode()

    rereviewed_and_published(client, published, convenor)
    public = client.get(published.get_absolute_url()).content.decode()
    assert "Upheld concerns" in public and summary in public and CONCERN not in public
    assert client.get(f"/api/v1/programmes/{published.slug}/").json()["upheld_concerns"] == [summary]
    trail = list(AuditEvent.objects.filter(programme=published, action__in=[Action.CONCERN, Action.REREVIEW]))
    assert [(e.action, e.new_value) for e in reversed(trail)] == [
        (Action.CONCERN, "raised"),
        (Action.CONCERN, "Waiting for the provider"),
        (Action.CONCERN, "responded"),
        (Action.REREVIEW, "A concern"),
        (Action.CONCERN, "Upheld: re-review ordered"),
        (Action.REREVIEW, "published"),
    ]


def test_a_provider_cannot_answer_a_concern_about_someone_elses_programme(client, provider_editor):
    elsewhere = factories.make_programme(title="Not Ann's")
    concern = Concern.objects.create(programme=elsewhere, what=CONCERN)
    client.force_login(provider_editor)
    assert client.get(f"/provider/concerns/{concern.pk}/respond/").status_code == 404
    assert CONCERN not in client.get("/provider/concerns/").content.decode()
