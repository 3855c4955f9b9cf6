"""Concerns over the API: raised anonymously (with the form's anti-automation) or with a token,
triaged by convenors, answered by the provider, through the same services as the pages."""

import pytest
from django.core import signing

from programmes import lifecycle
from programmes.vocabulary import ProgrammeStatus
from reviews.models import AuditEvent, Concern, ConcernStatus, Notification
from tests import factories

pytestmark = pytest.mark.django_db
WHAT = "The programme claims ten coaching sessions but only two took place in our school."


def aged_stamp(anonymous, seconds: float = 10) -> str:
    """The stamp the API hands out, as if fetched ``seconds`` ago."""
    stamp = anonymous.get("/api/v1/concerns/stamp/").json()["stamp"]
    shown_at = signing.loads(stamp, salt="concern-form")["shown_at"]
    return signing.dumps({"shown_at": shown_at - seconds}, salt="concern-form")


@pytest.fixture
def published(provider):
    return factories.make_programme(provider, status=ProgrammeStatus.PUBLISHED, title="Coaching Heads")


def raise_concern(client, programme, **body):
    return client.post(f"/api/v1/programmes/{programme.slug}/concerns/", body, format="json")


def test_anyone_raises_a_concern_with_a_stamp_and_is_told_only_that_it_arrived(anonymous, published):
    stamp = anonymous.get("/api/v1/concerns/stamp/").json()
    assert stamp["wait_seconds"] == 3 and stamp["valid_seconds"] == 86400

    response = raise_concern(
        anonymous, published, what=WHAT, contact="head@school.example", stamp=aged_stamp(anonymous)
    )

    assert response.status_code == 201
    assert set(response.json()) == {"id", "programme", "status", "created_at"}
    concern = Concern.objects.get(programme=published)
    assert (concern.what, concern.contact, concern.status) == (WHAT, "head@school.example", ConcernStatus.OPEN)
    assert AuditEvent.objects.filter(programme=published, action="concern", new_value="raised").exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (lambda client: {"what": WHAT}, "stamp", "Reload the page"),
        (lambda client: {"what": WHAT, "stamp": "forged"}, "stamp", "Reload the page"),
        (lambda client: {"what": WHAT, "stamp": aged_stamp(client, seconds=0)}, "stamp", "sent very quickly"),
        (lambda client: {"what": WHAT, "stamp": aged_stamp(client, seconds=2 * 86400)}, "stamp", "has expired"),
        (lambda client: {"what": WHAT, "stamp": aged_stamp(client), "website": "x"}, "website", "Leave the last"),
        (lambda client: {"what": "Bad.", "stamp": aged_stamp(client)}, "what", "at least 20 characters"),
        (lambda client: {"stamp": aged_stamp(client)}, "what", "required"),
    ],
    ids=["no-stamp", "forged-stamp", "too-fast", "stale-stamp", "honeypot", "too-short", "missing"],
)
def test_an_automated_or_incomplete_anonymous_concern_is_refused_with_a_field_error(
    anonymous, published, body, field, message
):
    response = raise_concern(anonymous, published, **body(anonymous))
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"][field])
    assert not Concern.objects.exists()


def test_a_token_names_who_is_asking_so_no_stamp_is_needed_but_the_hourly_limit_holds(as_user, published):
    client = as_user(factories.make_user("parent-pat"))
    for _ in range(5):
        assert raise_concern(client, published, what=WHAT).status_code == 201
    refused = raise_concern(client, published, what=WHAT)
    assert refused.status_code == 400 and "Too many concerns" in refused.json()["detail"]
    assert Concern.objects.count() == 5


def test_a_concern_about_a_programme_not_on_the_register_is_not_found(as_user, provider):
    draft = factories.make_programme(provider, status=ProgrammeStatus.DRAFT)
    assert raise_concern(as_user(factories.make_user("parent-pat")), draft, what=WHAT).status_code == 404


def test_a_concerns_cycle_over_the_api_from_question_to_re_review(
    as_user, convenor, provider_editor, published, mailoutbox
):
    from reviews import services

    concern = Concern.objects.create(programme=published, what=WHAT, contact="head@school.example")
    convenor_api, editor_api = as_user(convenor), as_user(provider_editor)

    triage = convenor_api.get("/api/v1/concerns/").json()["results"]
    assert [(c["id"], c["contact"]) for c in triage] == [(concern.id, "head@school.example")]
    empty = convenor_api.post(f"/api/v1/concerns/{concern.id}/ask-provider/", {"question": ""}, format="json")
    assert empty.status_code == 400 and set(empty.json()["errors"]) == {"question"}
    asked = convenor_api.post(
        f"/api/v1/concerns/{concern.id}/ask-provider/", {"question": "How many sessions ran?"}, format="json"
    )
    assert asked.json()["status"] == ConcernStatus.ASKED_PROVIDER

    listed = editor_api.get("/api/v1/concerns/").json()["results"]
    assert listed[0]["convenor_note"] == "How many sessions ran?" and "contact" not in listed[0]
    answered = editor_api.post(
        f"/api/v1/concerns/{concern.id}/respond/", {"response": "Two ran; eight moved."}, format="json"
    )
    assert answered.json()["provider_response"] == "Two ran; eight moved."

    summary = "Fewer coaching sessions were delivered than described."
    upheld = convenor_api.post(f"/api/v1/concerns/{concern.id}/rereview/", {"public_summary": summary}, format="json")
    assert upheld.status_code == 200 and upheld.json()["status"] == ConcernStatus.UPHELD
    assert lifecycle.open_rereview(published).reason == "concern"
    services.notification_send(notification_id=Notification.objects.get(programme=published, kind="rereview").pk)
    assert mailoutbox[-1].to == ["editor-ann@example.org"] and "after a concern" in mailoutbox[-1].body

    again = convenor_api.post(f"/api/v1/concerns/{concern.id}/dismiss/", {"reason": "Late."}, format="json")
    assert again.status_code == 409
    closed = editor_api.post(f"/api/v1/concerns/{concern.id}/respond/", {"response": "More."}, format="json")
    assert closed.status_code == 409


def test_an_editor_cannot_read_or_answer_another_providers_concern(as_user, provider_editor):
    elsewhere = Concern.objects.create(programme=factories.make_programme(title="Not Ann's"), what=WHAT)
    editor_api = as_user(provider_editor)
    assert editor_api.get("/api/v1/concerns/").json()["results"] == []
    refused = editor_api.post(f"/api/v1/concerns/{elsewhere.id}/respond/", {"response": "Ours."}, format="json")
    assert refused.status_code == 404


def test_the_schema_documents_every_concern_endpoint(anonymous):
    paths = anonymous.get("/api/schema/", {"format": "json"}).json()["paths"]
    operations = {op["operationId"] for path in paths.values() for op in path.values() if isinstance(op, dict)}
    assert {
        "concern_stamp",
        "concern_raise",
        "concern_list",
        "concern_dismiss",
        "concern_ask_provider",
        "concern_order_rereview",
        "concern_respond",
    } <= operations
    raise_body = paths["/api/v1/programmes/{slug}/concerns/"]["post"]
    assert "400" in raise_body["responses"] and "201" in raise_body["responses"]
