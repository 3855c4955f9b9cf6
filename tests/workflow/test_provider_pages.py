"""The provider editor's side: profile, programmes, evidence, submission, withdrawal, response."""

import pytest

from programmes.models import EvidenceStatement, Programme, ProgrammeChange
from programmes.vocabulary import ElementKey, ProgrammeStatus
from ratings.models import StaleRating
from reviews.models import AuditEvent, ReviewState
from tests import factories

pytestmark = pytest.mark.django_db

PROGRAMME = {
    "title": "Early Reading Leadership",
    "summary": "For reading leads in primary schools.",
    "focus_level": "middle-leader",
    "phases": ["primary"],
    "regions": ["london", "south-east"],
    "format": "course",
    "delivery_mode": "blended",
    "contact_hours": "18",
    "duration_weeks": "12",
    "cost_per_participant": "350",
    "intended_outcomes": "Reading leads improve phonics teaching across the school.",
    "evidence_base": "EEF Improving Literacy in KS1; Ofsted reading review.",
}


def search_matches(programme_id: int, words: str) -> bool:
    from django.contrib.postgres.search import SearchQuery

    return Programme.objects.filter(pk=programme_id, search_vector=SearchQuery(words, config="english")).exists()


def test_an_editor_creates_a_programme_that_search_finds_at_once(client, provider_editor, provider):
    client.force_login(provider_editor)
    response = client.post(f"/provider/providers/{provider.slug}/programmes/new/", PROGRAMME)
    programme = Programme.objects.get(title="Early Reading Leadership")
    assert response["Location"] == f"/provider/programmes/{programme.slug}/evidence/"
    assert (programme.status, programme.provider) == (ProgrammeStatus.DRAFT, provider)
    assert search_matches(programme.id, "phonics")


def test_bad_programme_input_is_shown_beside_each_field_and_kept(client, provider_editor, provider):
    client.force_login(provider_editor)
    data = PROGRAMME | {"title": "", "cost_per_participant": "three hundred", "contact_hours": "-2"}
    html = client.post(f"/provider/providers/{provider.slug}/programmes/new/", data).content.decode()
    assert 'id="id_title-error"' in html and "Enter the programme&#x27;s title." in html
    assert "Enter the cost as a number of pounds" in html
    assert 'id="id_contact_hours-error"' in html
    assert "For reading leads in primary schools." in html
    assert not Programme.objects.filter(summary=PROGRAMME["summary"]).exists()


def test_editing_a_draft_refreshes_its_search_vector(client, provider_editor, draft_programme):
    client.force_login(provider_editor)
    client.post(f"/provider/programmes/{draft_programme.slug}/edit/", PROGRAMME | {"title": "Maths Mastery Leads"})
    assert search_matches(draft_programme.id, "mastery")


def test_a_submitted_programme_can_no_longer_be_edited(client, provider_editor, submitted_programme):
    client.force_login(provider_editor)
    response = client.post(f"/provider/programmes/{submitted_programme.slug}/edit/", PROGRAMME, follow=True)
    assert "it can change again once it is published" in response.content.decode()
    submitted_programme.refresh_from_db()
    assert submitted_programme.title == "Coaching for Heads"


def test_the_evidence_portfolio_is_saved_per_element_with_checked_links(client, provider_editor, provider):
    programme = factories.make_programme(provider, status=ProgrammeStatus.DRAFT)
    client.force_login(provider_editor)
    url = f"/provider/programmes/{programme.slug}/evidence/"
    data = {f"statement_{e.value}": f"Our {e.label} evidence." for e in ElementKey}
    bad = client.post(url, data | {"links_purpose": "not a link\nhttps://example.org/impact"}).content.decode()
    assert 'id="id_links_purpose-error"' in bad and "“not a link” is not a web address" in bad
    assert "Our Governance evidence." in bad
    client.post(url, data | {"links_purpose": "https://example.org/impact"})
    assert EvidenceStatement.objects.filter(programme=programme).count() == 5
    assert EvidenceStatement.objects.get(programme=programme, element="purpose").link_list() == [
        "https://example.org/impact"
    ]


def test_a_programme_without_a_full_portfolio_cannot_be_submitted(client, provider_editor, provider):
    programme = factories.make_programme(provider, status=ProgrammeStatus.DRAFT)
    client.force_login(provider_editor)
    html = client.post(f"/provider/programmes/{programme.slug}/submit/", follow=True).content.decode()
    assert "Add an evidence statement for Purpose, Governance, Process, Definitions, Value" in html
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.DRAFT


def test_the_dashboard_lists_each_programme_with_its_status(
    client, provider_editor, provider, django_assert_max_num_queries
):
    for status in ProgrammeStatus:
        for _ in range(3):
            factories.make_programme(provider, status=status)
    client.force_login(provider_editor)
    with django_assert_max_num_queries(8):
        html = client.get("/provider/").content.decode()
    for status in ProgrammeStatus:
        assert status.label in html


def test_withdrawing_a_published_programme_withdraws_its_reviews_and_marks_the_rating_stale(
    client, provider_editor, provider, reviewer
):
    programme = factories.make_programme(provider, status=ProgrammeStatus.PUBLISHED)
    review = factories.make_review(programme, reviewer, state=ReviewState.PUBLISHED)
    client.force_login(provider_editor)
    url = f"/provider/programmes/{programme.slug}/withdraw/"
    assert "Give the reason for withdrawing the programme." in client.post(url, {"reason": ""}).content.decode()
    client.post(url, {"reason": "We no longer run this programme."})
    programme.refresh_from_db()
    review.refresh_from_db()
    assert (programme.status, programme.withdrawn_reason) == ("withdrawn", "We no longer run this programme.")
    assert review.state == ReviewState.WITHDRAWN
    assert StaleRating.objects.filter(programme=programme).exists()
    assert AuditEvent.objects.filter(programme=programme, new_value="withdrawn").count() == 2


def test_a_response_needs_some_substance(client, provider_editor, provider):
    programme = factories.make_programme(provider, status=ProgrammeStatus.PUBLISHED)
    client.force_login(provider_editor)
    html = client.post(f"/provider/programmes/{programme.slug}/feedback/", {"text": "Thanks"}).content.decode()
    assert "Write a response of at least 20 characters." in html and ">\nThanks</textarea>" in html


def test_feedback_waits_for_publication(client, provider_editor, submitted_programme):
    client.force_login(provider_editor)
    response = client.get(f"/provider/programmes/{submitted_programme.slug}/feedback/", follow=True)
    assert "Feedback is available once the programme" in response.content.decode()


def test_renaming_the_provider_refreshes_its_programmes_search_vectors(client, provider_editor, convenor, provider):
    programme = factories.make_programme(provider, status=ProgrammeStatus.PUBLISHED)
    client.force_login(provider_editor)
    data = {
        "name": "Riverside Learning Partnership",
        "provider_type": "mat",
        "regions": ["london"],
        "phases": ["primary", "secondary"],
        "description": "A partnership of twelve schools.",
        "website": "https://riverside.example.org",
        "schools_in_partnership": "12",
    }
    bad = client.post(f"/provider/providers/{provider.slug}/profile/", data | {"website": "not a site"})
    assert "Enter a web address starting https://" in bad.content.decode()
    client.post(f"/provider/providers/{provider.slug}/profile/", data)
    provider.refresh_from_db()
    assert provider.name == "Northgate Learning Trust" and provider.schools_in_partnership == 12
    # A new name is public text: published, and searched for, once a convenor approves it.
    change = ProgrammeChange.objects.get(provider=provider, state="pending")
    client.force_login(convenor)
    client.post(f"/convenor/changes/{change.id}/", {"decision": "approve"})
    provider.refresh_from_db()
    assert provider.name == "Riverside Learning Partnership"
    assert search_matches(programme.id, "riverside")
