"""A published programme can change: facts at once, what was reviewed and public text after a convenor."""

from decimal import Decimal

import pytest

from programmes.models import Programme, ProgrammeChange, ProviderResponse
from programmes.vocabulary import ProgrammeStatus
from providers.models import Provider
from reviews.models import AuditEvent
from tests import factories
from tests.html_forms import form_with
from tests.journeys.conftest import rename_asked_for
from tests.workflow.conftest import add_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(provider, reviewer):
    programme = add_evidence(
        factories.make_programme(provider, title="Coaching for Heads", cost_per_participant=Decimal("2980"))
    )
    Programme.objects.filter(pk=programme.pk).update(published_at="2026-01-10T09:00:00Z")
    factories.make_review(programme, reviewer)
    return Programme.objects.get(pk=programme.pk)


def edit(client, programme, **changes):
    url = f"/provider/programmes/{programme.slug}/edit/"
    body = form_with(client.get(url).content.decode(), "title") | changes
    return client.post(url, body, follow=True)


def test_a_published_programmes_price_changes_at_once_and_says_so(client, provider_editor, published):
    client.force_login(provider_editor)
    page = edit(client, published, cost_per_participant="3100", contact_email="book@northgate.example.org")
    assert "The updated details are on the public page now." in page.content.decode()
    public = client.get(published.get_absolute_url()).content.decode()
    assert "£3,100" in public and "book@northgate.example.org" in public
    assert "updated on" in public and "since its review" in public
    event = AuditEvent.objects.get(programme=published, action="facts-updated", field="cost_per_participant")
    assert (event.old_value, event.new_value, event.actor) == ("2980.00", "3100", provider_editor)


def test_a_change_to_what_was_reviewed_waits_for_a_convenor_who_decides_the_rating_stands(
    client, provider_editor, convenor, published
):
    client.force_login(provider_editor)
    page = edit(client, published, intended_outcomes="Heads build a coaching culture across the trust.")
    assert "A convenor will check the change to intended outcomes" in page.content.decode()
    assert "coaching culture" not in client.get(published.get_absolute_url()).content.decode()

    client.force_login(convenor)
    listing = client.get("/convenor/changes/").content.decode()
    change = ProgrammeChange.objects.get(programme=published, state="pending")
    assert "Coaching for Heads" in listing and f"/convenor/changes/{change.id}/" in listing
    decision = client.get(f"/convenor/changes/{change.id}/").content.decode()
    assert "a re-review is needed" in decision and "coaching culture" in decision
    client.post(f"/convenor/changes/{change.id}/", {"decision": "approve"})

    assert "coaching culture" in client.get(published.get_absolute_url()).content.decode()
    assert ProgrammeChange.objects.get(pk=change.pk).state == ProgrammeChange.State.APPROVED
    actions = set(AuditEvent.objects.filter(programme=published).values_list("action", flat=True))
    assert {"change-proposed", "change-decided"} <= actions


def test_a_new_title_is_public_only_once_approved_and_a_refusal_says_why(client, provider_editor, convenor, published):
    client.force_login(provider_editor)
    edit(client, published, title="Coaching for New Heads")
    assert Programme.objects.get(pk=published.pk).title == "Coaching for Heads"
    change = ProgrammeChange.objects.get(programme=published, kind="public-text")
    client.force_login(convenor)
    refused = client.post(f"/convenor/changes/{change.id}/", {"decision": "reject"}).content.decode()
    assert "Say why the change is not approved" in refused
    client.post(f"/convenor/changes/{change.id}/", {"decision": "reject", "note": "The title must match the course."})
    client.force_login(provider_editor)
    own_page = client.get(f"/provider/programmes/{published.slug}/").content.decode()
    assert "Not approved: The title must match the course." in own_page
    assert Programme.objects.get(pk=published.pk).title == "Coaching for Heads"


def test_a_right_of_reply_is_published_after_a_convenor_approves_it(client, provider_editor, convenor, published):
    client.force_login(provider_editor)
    client.post(f"/provider/programmes/{published.slug}/feedback/", {"text": "We have added a second cycle since."})
    assert not ProviderResponse.objects.filter(programme=published).exists()
    assert "has not published a response" in client.get(published.get_absolute_url()).content.decode()
    change = ProgrammeChange.objects.get(programme=published, kind="response")
    client.force_login(convenor)
    client.post(f"/convenor/changes/{change.id}/", {"decision": "approve"})
    assert "We have added a second cycle since." in client.get(published.get_absolute_url()).content.decode()


def test_a_renamed_organisation_is_published_after_a_convenor_approves_it(client, provider_editor, convenor, provider):
    change = rename_asked_for(client, provider, provider_editor, "Northgate Schools Partnership")
    client.force_login(convenor)
    client.post(f"/convenor/changes/{change.id}/", {"decision": "approve"})
    assert Provider.objects.get(pk=provider.pk).name == "Northgate Schools Partnership"


def test_a_programme_in_review_still_cannot_change(client, provider_editor, submitted_programme):
    client.force_login(provider_editor)
    page = client.get(f"/provider/programmes/{submitted_programme.slug}/edit/", follow=True).content.decode()
    assert "it can change again once it is published" in page
    assert Programme.objects.get(pk=submitted_programme.pk).status == ProgrammeStatus.SUBMITTED
