"""Withdrawal is the end of two paths: what was never public stays private, and what a reviewer
never handed in never opens the others' scores."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from programmes.lifecycle import programme_withdraw
from programmes.vocabulary import ProgrammeStatus
from reviews.models import Review, ReviewState
from tests import factories
from tests.workflow.conftest import add_evidence

pytestmark = pytest.mark.django_db


def public_answers(client, programme, provider) -> dict[str, object]:
    api = APIClient()
    return {
        "page": client.get(f"/programmes/{programme.slug}/").status_code,
        "badge": client.get(f"/programmes/{programme.slug}/badge.svg").status_code,
        "api": api.get(f"/api/v1/programmes/{programme.slug}/").status_code,
        "rating": api.get(f"/api/v1/programmes/{programme.slug}/rating/").status_code,
        "provider page lists it": programme.title in client.get(f"/providers/{provider.slug}/").content.decode(),
        "provider api lists it": programme.slug in api.get(f"/api/v1/providers/{provider.slug}/").content.decode(),
        "provider badge": "Withdrawn" in client.get(f"/providers/{provider.slug}/badge.svg").content.decode(),
    }


NOT_PUBLIC = {
    "page": 404,
    "badge": 404,
    "api": 404,
    "rating": 404,
    "provider page lists it": False,
    "provider api lists it": False,
    "provider badge": False,
}


def test_a_draft_its_editor_withdraws_never_becomes_public(client, provider_editor, provider):
    draft = factories.make_programme(provider, status=ProgrammeStatus.DRAFT, title="Never Reviewed Draft")
    client.force_login(provider_editor)
    client.post(f"/provider/programmes/{draft.slug}/withdraw/", {"reason": "We changed our minds."})
    client.logout()
    draft.refresh_from_db()
    assert draft.status == ProgrammeStatus.WITHDRAWN

    assert public_answers(client, draft, provider) == NOT_PUBLIC


@pytest.mark.parametrize("status", [ProgrammeStatus.SUBMITTED, ProgrammeStatus.IN_REVIEW])
def test_a_programme_withdrawn_before_publication_never_becomes_public(client, provider_editor, provider, status):
    programme = add_evidence(factories.make_programme(provider, status=status, title="Withdrawn In Review"))
    programme_withdraw(programme=programme, by=provider_editor, reason="No longer offered.")

    assert public_answers(client, programme, provider) == NOT_PUBLIC


def test_a_programme_withdrawn_after_publication_keeps_its_page_and_says_so(client, provider_editor, provider):
    programme = factories.make_programme(provider, title="Once Published", published_at=timezone.now())
    programme_withdraw(programme=programme, by=provider_editor, reason="No longer offered.")

    answers = public_answers(client, programme, provider)

    assert (answers["page"], answers["badge"], answers["api"]) == (200, 200, 200)
    assert answers["provider page lists it"] and answers["provider badge"]


@pytest.fixture
def withdrawn_mid_review(provider, reviewer, other_reviewer, provider_editor):
    """Rob's review is unfinished (drafted scores), Rita's is submitted; then the programme is withdrawn."""
    programme = add_evidence(factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW, title="Mid"))
    unfinished = factories.make_review(programme, reviewer, state=ReviewState.IN_PROGRESS, scores={"P1": 1})
    submitted = factories.make_review(programme, other_reviewer, state=ReviewState.SUBMITTED, scores=4)
    Review.objects.filter(pk=submitted.pk).update(submitted_at=timezone.now())
    programme_withdraw(programme=programme, by=provider_editor, reason="We closed it.")
    assert set(Review.objects.values_list("state", flat=True)) == {ReviewState.WITHDRAWN}
    return unfinished, submitted


def test_a_reviewer_whose_unfinished_review_was_withdrawn_does_not_see_the_other_scores(
    client, reviewer, withdrawn_mid_review
):
    unfinished, _ = withdrawn_mid_review
    client.force_login(reviewer)

    html = client.get(f"/reviewer/reviews/{unfinished.id}/").content.decode()

    assert "All handed-in scores, side by side" not in html


def test_a_reviewer_who_had_submitted_does_not_see_the_unfinished_draft_of_another(
    client, other_reviewer, withdrawn_mid_review
):
    _, submitted = withdrawn_mid_review
    client.force_login(other_reviewer)

    response = client.get(f"/reviewer/reviews/{submitted.id}/")

    assert "All handed-in scores, side by side" in response.content.decode()
    compared = [row.id for row in response.context["comparison"].reviews]
    assert compared == [submitted.id]
