"""Every edit form starts from what is stored: opened and saved with no change, nothing changes.

Each test reads the form as the browser shows it (what is filled in, ticked and selected), posts
exactly that back, and compares every stored column before and after.
"""

from decimal import Decimal

import pytest
from django.forms.models import model_to_dict

from programmes.models import EvidenceStatement, Programme, ProviderResponse
from programmes.vocabulary import ElementKey, FundingRoute, ProgrammeStatus
from providers.models import Provider
from providers.vocabulary import Phase, Region
from reviews.models import Criterion, CriterionScore, Review, ReviewState
from tests import factories
from tests.html_forms import form_with
from tests.workflow.conftest import add_evidence

pytestmark = pytest.mark.django_db

STAMPS = {"updated_at", "search_vector"}


def stored(model, pk) -> dict:
    row = model_to_dict(model.objects.get(pk=pk))
    return {name: value for name, value in row.items() if name not in STAMPS}


def load_and_save(client, url: str, field_name: str, **extra):
    page = client.get(url)
    assert page.status_code == 200
    body = form_with(page.content.decode(), field_name) | extra
    return client.post(url, body)


@pytest.fixture
def full_provider(provider):
    Provider.objects.filter(pk=provider.pk).update(
        regions=Provider._meta.get_field("regions").mask_of([Region.LONDON, Region.SOUTH_EAST, Region.NORTH_WEST]),
        phases=Provider._meta.get_field("phases").mask_of([Phase.PRIMARY, Phase.SECONDARY]),
        description="A trust of twelve schools.\nWe run leadership programmes.",
        website="https://northgate.example.org",
        schools_in_partnership=12,
    )
    return Provider.objects.get(pk=provider.pk)


@pytest.fixture
def full_draft(provider):
    programme = factories.make_programme(
        provider,
        status=ProgrammeStatus.DRAFT,
        title="Leading Maths",
        phases=[Phase.PRIMARY, Phase.SECONDARY],
        regions=[Region.LONDON, Region.NORTH_EAST],
        funding_routes=[FundingRoute.DFE_FUNDED, FundingRoute.BURSARY],
        target_staff="Maths leads & heads of department",
        cost_per_participant=Decimal("2980.50"),
        intended_outcomes="Line one.\nLine two.",
    )
    return add_evidence(programme)


def test_the_provider_profile_saved_unchanged_keeps_every_field(client, provider_editor, full_provider):
    client.force_login(provider_editor)
    before = stored(Provider, full_provider.pk)
    response = load_and_save(client, f"/provider/providers/{full_provider.slug}/profile/", "name")
    assert response.status_code == 302, response.content.decode()
    assert stored(Provider, full_provider.pk) == before


def test_a_programme_saved_unchanged_keeps_every_field(client, provider_editor, full_draft):
    client.force_login(provider_editor)
    before = stored(Programme, full_draft.pk)
    assert before["funding_routes"] == {FundingRoute.DFE_FUNDED, FundingRoute.BURSARY}
    response = load_and_save(client, f"/provider/programmes/{full_draft.slug}/edit/", "title")
    assert response.status_code == 302, response.content.decode()
    assert stored(Programme, full_draft.pk) == before


def test_the_evidence_portfolio_saved_unchanged_keeps_every_statement(client, provider_editor, full_draft):
    EvidenceStatement.objects.filter(programme=full_draft, element=ElementKey.PURPOSE).update(
        links="https://example.org/impact\nhttps://example.org/report"
    )
    client.force_login(provider_editor)
    before = list(EvidenceStatement.objects.filter(programme=full_draft).values("element", "statement", "links"))
    response = load_and_save(client, f"/provider/programmes/{full_draft.slug}/evidence/", "statement_purpose")
    assert response.status_code == 302, response.content.decode()
    assert list(EvidenceStatement.objects.filter(programme=full_draft).values("element", "statement", "links")) == (
        before
    )


def test_the_response_saved_unchanged_keeps_its_text(client, provider_editor, provider, reviewer):
    programme = add_evidence(factories.make_programme(provider, status=ProgrammeStatus.PUBLISHED))
    factories.make_review(programme, reviewer)
    ProviderResponse.objects.create(programme=programme, text="We have since added a second coaching cycle.")
    client.force_login(provider_editor)
    response = load_and_save(client, f"/provider/programmes/{programme.slug}/feedback/", "text")
    assert response.status_code == 302, response.content.decode()
    assert ProviderResponse.objects.get(programme=programme).text == "We have since added a second coaching cycle."


def test_a_draft_review_saved_unchanged_keeps_every_score_and_rationale(client, reviewer, provider):
    programme = add_evidence(factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW))
    review = factories.make_review(programme, reviewer, state=ReviewState.IN_PROGRESS, scores={"P1": 2, "V2": 4})
    CriterionScore.objects.filter(review=review).update(rationale="Seen in the portfolio, with examples.")
    Review.objects.filter(pk=review.pk).update(overall_comment="Promising.", no_conflict_confirmed=True)
    client.force_login(reviewer)
    before = sorted(CriterionScore.objects.filter(review=review).values_list("criterion_id", "score", "rationale"))
    for criterion in Criterion.objects.filter(element__framework=review.framework, position=1):
        url = f"/reviewer/reviews/{review.id}/elements/{criterion.element.key}/"
        response = load_and_save(client, url, f"rationale_{criterion.id}", action="later")
        assert response.status_code == 302, response.content.decode()
    response = load_and_save(client, f"/reviewer/reviews/{review.id}/submit/", "overall_comment", action="draft")
    assert response.status_code == 302, response.content.decode()
    after = sorted(CriterionScore.objects.filter(review=review).values_list("criterion_id", "score", "rationale"))
    assert after == before
    assert Review.objects.values_list("overall_comment", "no_conflict_confirmed").get(pk=review.pk) == (
        "Promising.",
        True,
    )
