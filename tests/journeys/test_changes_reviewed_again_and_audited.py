"""A change to what was reviewed can send a published programme back into review (the accreditation
cycle's re-review), the evidence portfolio changes through a convenor like the rest of what was
reviewed, and every change, request and decision is in the audit trail convenors read."""

import pytest

from programmes import changes, lifecycle
from programmes.models import EvidenceStatement, Programme, ProgrammeChange
from programmes.vocabulary import ProgrammeStatus
from providers.models import Provider
from qaportal.errors import ValidationFailed
from ratings.engine import recompute_all
from reviews import services
from reviews.models import AuditEvent, Notification, ReReview, ReReviewReason, ReviewState
from tests import factories
from tests.html_forms import form_with
from tests.journeys.conftest import rename_asked_for
from tests.workflow.conftest import add_evidence, rereviewed_and_published

pytestmark = pytest.mark.django_db
OUTCOMES = "Heads build a coaching culture across the whole trust."


@pytest.fixture
def published(provider, convenor, reviewer, other_reviewer):
    """Published through the service with two reviews at level 4, and rated."""
    programme = add_evidence(
        factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW, title="Coaching for Heads")
    )
    factories.make_review(programme, reviewer, state=ReviewState.ACCEPTED, scores=4)
    factories.make_review(programme, other_reviewer, state=ReviewState.ACCEPTED, scores=4)
    lifecycle.programme_publish(programme=programme, by=convenor)
    recompute_all()
    return Programme.objects.get(pk=programme.pk)


def edit(client, programme, **changes):
    url = f"/provider/programmes/{programme.slug}/edit/"
    return client.post(url, form_with(client.get(url).content.decode(), "title") | changes, follow=True)


def edit_evidence(client, programme, **changes):
    url = f"/provider/programmes/{programme.slug}/evidence/"
    return client.post(url, form_with(client.get(url).content.decode(), "statement_purpose") | changes, follow=True)


def trail(programme=None, provider=None):
    about = {"programme": programme} if programme else {"provider": provider}
    events = AuditEvent.objects.filter(**about)
    return [(e.actor.username if e.actor else None, e.action, e.field, e.old_value, e.new_value) for e in events]


def test_a_convenors_re_review_decision_sends_the_programme_through_review_keeping_the_old_rating_until_replaced(
    client, provider_editor, convenor, published, mailoutbox
):
    client.force_login(provider_editor)
    edit(client, published, intended_outcomes=OUTCOMES)
    change = ProgrammeChange.objects.get(programme=published, state="pending")

    client.force_login(convenor)
    client.post(f"/convenor/changes/{change.id}/", {"decision": "re-review"})
    assert ProgrammeChange.objects.get(pk=change.pk).state == ProgrammeChange.State.RE_REVIEW
    rereview = lifecycle.open_rereview(published)
    assert rereview is not None and rereview.reason == ReReviewReason.CHANGE
    assert published.title in client.get("/convenor/", {"status": "re-review"}).content.decode()
    convenor_page = client.get(f"/convenor/programmes/{published.slug}/").content.decode()
    assert "Under re-review (a change to what was reviewed)" in convenor_page

    services.notification_send(notification_id=Notification.objects.get(programme=published, kind="rereview").pk)
    assert mailoutbox[-1].to == ["editor-ann@example.org"]
    assert "will be reviewed again" in mailoutbox[-1].subject and "change to what was reviewed" in mailoutbox[-1].body

    public = client.get(published.get_absolute_url()).content.decode()
    assert "Under re-review" in public and OUTCOMES in public and "4.00 out of 4" in public
    api = client.get(f"/api/v1/programmes/{published.slug}/").json()
    assert api["under_rereview"] is True and api["rating"]["raw_mean"] == pytest.approx(4.0)

    rereviewed_and_published(client, published, convenor)
    assert lifecycle.open_rereview(published) is None
    public = client.get(published.get_absolute_url()).content.decode()
    assert "Under re-review" not in public and "2.00 out of 4" in public
    assert client.get(f"/api/v1/programmes/{published.slug}/").json()["under_rereview"] is False
    actions = [(action, new) for _, action, _, _, new in reversed(trail(published)) if action == "rereview"]
    assert actions == [("rereview", "A change to what was reviewed"), ("rereview", "published")]


def test_a_re_review_cannot_be_ordered_for_a_change_that_was_not_to_what_was_reviewed(
    client, provider_editor, convenor, published
):
    client.force_login(provider_editor)
    edit(client, published, title="Coaching for New Heads")
    change = ProgrammeChange.objects.get(programme=published, kind="public-text")
    client.force_login(convenor)
    assert "a re-review is needed" not in client.get(f"/convenor/changes/{change.id}/").content.decode()
    with pytest.raises(ValidationFailed, match="re-review applies only to changes to what was reviewed"):
        changes.change_decide(change=change, by=convenor, decision="re-review")
    assert ProgrammeChange.objects.get(pk=change.pk).state == ProgrammeChange.State.PENDING
    assert not ReReview.objects.filter(programme=published).exists()


def test_a_published_portfolio_change_is_shown_as_asked_for_until_a_convenor_approves_it(
    client, provider_editor, convenor, published
):
    client.force_login(provider_editor)
    own_page = client.get(f"/provider/programmes/{published.slug}/").content.decode()
    assert "Change evidence portfolio" in own_page
    page = edit_evidence(client, published, statement_purpose="A sharper purpose, set with our schools.")
    assert "A convenor will check the change to the evidence portfolio" in page.content.decode()
    assert EvidenceStatement.objects.get(programme=published, element="purpose").statement == "What we do for Purpose."
    form = client.get(f"/provider/programmes/{published.slug}/evidence/").content.decode()
    assert "A sharper purpose, set with our schools." in form and "is waiting for a convenor" in form
    assert "is waiting for a convenor" in client.get(f"/provider/programmes/{published.slug}/").content.decode()

    change = ProgrammeChange.objects.get(programme=published, kind="evidence", state="pending")
    client.force_login(convenor)
    decision = client.get(f"/convenor/changes/{change.id}/").content.decode()
    assert "Purpose evidence statement" in decision and "a re-review is needed" in decision
    client.post(f"/convenor/changes/{change.id}/", {"decision": "approve"})
    statement = EvidenceStatement.objects.get(programme=published, element="purpose").statement
    assert statement == "A sharper purpose, set with our schools."
    assert ("convenor-cat", "change-applied", "statement_purpose", "What we do for Purpose.", statement) in trail(
        published
    )


def test_a_bad_link_in_a_published_portfolio_is_refused_beside_the_field_keeping_what_was_typed(
    client, provider_editor, published
):
    client.force_login(provider_editor)
    page = edit_evidence(client, published, links_purpose="http://example.org/plan").content.decode()
    assert "starts http://, not https://" in page and "http://example.org/plan" in page
    assert not ProgrammeChange.objects.filter(programme=published, kind="evidence").exists()


def test_every_published_change_request_and_decision_is_in_the_programmes_audit_trail(
    client, provider_editor, convenor, published
):
    client.force_login(provider_editor)
    edit(client, published, cost_per_participant="3100", intended_outcomes=OUTCOMES)
    change = ProgrammeChange.objects.get(programme=published, state="pending")
    client.force_login(convenor)
    client.post(f"/convenor/changes/{change.id}/", {"decision": "approve", "note": "The outcomes match the course."})

    events = trail(published)
    assert ("editor-ann", "facts-updated", "cost_per_participant", "450.00", "3100") in events
    proposed = [e for e in events if e[1] == "change-proposed"]
    assert [(who, field, new) for who, _, field, _, new in proposed] == [("editor-ann", "intended_outcomes", OUTCOMES)]
    assert ("convenor-cat", "change-applied", "intended_outcomes", proposed[0][3], OUTCOMES) in events
    assert (
        "convenor-cat",
        "change-decided",
        "what was reviewed",
        "Waiting for a convenor",
        "Approved: The outcomes match the course.",
    ) in events
    page = client.get(f"/convenor/programmes/{published.slug}/audit/").content.decode()
    assert "Change asked for: intended_outcomes" in page and "Change decided: what was reviewed" in page
    assert OUTCOMES in page


def test_a_provider_rename_is_in_the_providers_audit_trail_from_request_to_decision(
    client, provider, provider_editor, convenor
):
    change = rename_asked_for(client, provider, provider_editor, "Northgate Teaching Trust")
    client.force_login(convenor)
    assert f"/convenor/providers/{provider.slug}/audit/" in client.get("/convenor/changes/").content.decode()
    client.post(f"/convenor/changes/{change.id}/", {"decision": "approve"})

    assert Provider.objects.get(pk=provider.pk).name == "Northgate Teaching Trust"
    events = trail(provider=provider)
    renamed = ("Northgate Learning Trust", "Northgate Teaching Trust")
    assert ("editor-ann", "change-proposed", "name", *renamed) in events
    assert ("convenor-cat", "change-applied", "name", *renamed) in events
    assert ("convenor-cat", "change-decided", "provider profile", "Waiting for a convenor", "Approved") in events
    page = client.get(f"/convenor/providers/{provider.slug}/audit/").content.decode()
    assert "Northgate Teaching Trust" in page and "Change asked for: name" in page and "editor-ann" in page


def test_a_providers_own_profile_edits_are_audited_by_the_service_whatever_calls_it(provider, provider_editor):
    from providers.services import provider_update

    provider_update(provider=provider, by=provider_editor, data={"website": "https://northgate.example.org/"})
    assert trail(provider=provider) == [
        ("editor-ann", "profile-updated", "website", "", "https://northgate.example.org/")
    ]


def test_the_providers_audit_trail_is_for_convenors_only(client, provider, provider_editor):
    client.force_login(provider_editor)
    assert client.get(f"/convenor/providers/{provider.slug}/audit/").status_code == 403


def test_a_rename_made_in_the_admin_is_in_the_same_audit_trail(client, provider):
    staff = factories.make_user("staff-sam", is_staff=True, is_superuser=True)
    client.force_login(staff)
    url = f"/admin/providers/provider/{provider.pk}/change/"
    page = client.get(url).content.decode()
    body = form_with(page, "name") | {"name": "Northgate Teaching Trust"}
    body |= {"regions": list(provider.regions), "phases": list(provider.phases)}  # one value per ticked box
    assert 'type="checkbox" name="regions"' in page
    assert client.post(url, body).status_code == 302
    assert trail(provider=provider) == [
        ("staff-sam", "admin-updated", "name", "Northgate Learning Trust", "Northgate Teaching Trust")
    ]


def test_under_re_review_the_portfolio_is_saved_for_the_reviewers_and_audited(client, provider_editor, published):
    client.force_login(provider_editor)
    edit_evidence(client, published, statement_value="Costed per school, asked for earlier.")
    client.post(f"/provider/programmes/{published.slug}/resubmit/")
    page = edit_evidence(client, published, statement_value="Costed per school, with the trust's figures.")

    assert "Your evidence portfolio has been saved." in page.content.decode()
    value = EvidenceStatement.objects.get(programme=published, element="value").statement
    assert value == "Costed per school, with the trust's figures."
    assert not ProgrammeChange.objects.filter(programme=published, kind="evidence", state="pending").exists()
    assert ("editor-ann", "evidence-updated", "statement_value", "What we do for Value.", value) in trail(published)


def test_the_providers_audit_trail_reads_a_fixed_number_of_queries(
    client, provider, provider_editor, convenor, django_assert_max_num_queries
):
    from providers.services import provider_update

    for number in range(12):
        provider_update(provider=provider, by=provider_editor, data={"website": f"https://n{number}.example.org/"})
    client.force_login(convenor)
    with django_assert_max_num_queries(10):
        page = client.get(f"/convenor/providers/{provider.slug}/audit/").content.decode()
    assert page.count("Profile updated: website") == 12 and "https://n11.example.org/" in page
