"""A small catalogue whose every filter, facet and sort outcome can be worked out by hand."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from programmes.search import refresh_search_vectors
from programmes.vocabulary import DeliveryMode, FocusLevel, Format, FundingRoute, ProgrammeStatus
from providers.vocabulary import Phase, ProviderType, Region
from ratings.models import ProgrammeRating
from tests.factories import make_programme, make_programme_rating, make_provider, make_provider_rating


def rate(programme, band_rank: int | None, shown: float | None, reviews: int, **element_scores) -> ProgrammeRating:
    return make_programme_rating(
        programme, band_rank=band_rank, shown_score=shown, review_count=reviews, elements=element_scores
    )


@dataclass
class Catalogue:
    mentor: object
    curriculum: object
    middle: object
    network: object
    headship: object
    executive: object
    draft: object
    withdrawn: object
    trust: object
    university: object
    charity: object

    def published(self):
        return [self.mentor, self.curriculum, self.middle, self.network, self.headship, self.executive]


def _programme(provider, title, age_days=1, **fields):
    slug = title.lower().replace(" ", "-").replace(":", "")
    published_at = timezone.now() - timezone.timedelta(days=age_days)
    return make_programme(provider, title=title, slug=slug, published_at=published_at, **fields)


@pytest.fixture
def catalogue(db) -> Catalogue:
    trust = make_provider(
        name="Northgate Learning Trust", slug="northgate", provider_type=ProviderType.MAT,
        regions=[Region.LONDON, Region.SOUTH_EAST], phases=[Phase.PRIMARY],
    )  # fmt: skip
    university = make_provider(
        name="University of Fenbury", slug="fenbury", provider_type=ProviderType.UNIVERSITY,
        regions=[Region.NORTH_WEST], phases=[Phase.SECONDARY],
    )  # fmt: skip
    charity = make_provider(
        name="Kite Education Charity", slug="kite", provider_type=ProviderType.CHARITY,
        regions=[Region.NORTH_EAST], phases=[Phase.SECONDARY, Phase.POST_16],
    )  # fmt: skip
    mentor = _programme(
        trust, "Mentor development for early career teachers", focus_level=FocusLevel.TEACHER,
        format=Format.COACHING, delivery_mode=DeliveryMode.FACE_TO_FACE, phases=[Phase.PRIMARY],
        regions=[Region.LONDON, Region.SOUTH_EAST], cost_per_participant=Decimal("0"),
        funding_routes=[FundingRoute.DFE_FUNDED], age_days=10, summary="Weekly mentor sessions for new teachers.",
    )  # fmt: skip
    curriculum = _programme(
        university, "Leadership of the curriculum", focus_level=FocusLevel.MIDDLE_LEADER, format=Format.COURSE,
        delivery_mode=DeliveryMode.ONLINE, phases=[Phase.SECONDARY], regions=[Region.NORTH_WEST],
        cost_per_participant=Decimal("450.00"), funding_routes=[FundingRoute.SELF_FUNDED], age_days=5,
        summary="Subject leadership for heads of department.",
    )  # fmt: skip
    middle = _programme(
        trust, "Middle leaders programme", focus_level=FocusLevel.MIDDLE_LEADER, format=Format.COURSE,
        delivery_mode=DeliveryMode.BLENDED, phases=[Phase.PRIMARY, Phase.SECONDARY], regions=[Region.LONDON],
        cost_per_participant=Decimal("1200.00"), funding_routes=[FundingRoute.SELF_FUNDED, FundingRoute.BURSARY],
        age_days=3, summary="Building confident teams across a phase.",
    )  # fmt: skip
    network = _programme(
        charity, "Leaders of the middle: online network", focus_level=FocusLevel.SENIOR_LEADER,
        format=Format.NETWORK, delivery_mode=DeliveryMode.ONLINE, phases=[Phase.SECONDARY],
        regions=[Region.NORTH_EAST], cost_per_participant=Decimal("300.00"), age_days=2,
        summary="A termly network meeting for senior teams.",
    )  # fmt: skip
    headship = _programme(
        charity, "Headteacher coaching", focus_level=FocusLevel.HEADTEACHER, format=Format.COACHING,
        delivery_mode=DeliveryMode.FACE_TO_FACE, phases=[Phase.SPECIAL], regions=[Region.LONDON],
        cost_per_participant=Decimal("2500.00"), age_days=7, summary="One-to-one coaching for new heads.",
    )  # fmt: skip
    executive = _programme(
        university, "Executive system leadership", focus_level=FocusLevel.EXECUTIVE, format=Format.QUALIFICATION,
        delivery_mode=DeliveryMode.BLENDED, phases=[Phase.POST_16], regions=[Region.YORKSHIRE],
        cost_per_participant=Decimal("450.00"), age_days=5, summary="A qualification for trust leaders.",
    )  # fmt: skip
    draft = _programme(trust, "Hidden draft mentor scheme", status=ProgrammeStatus.DRAFT)
    withdrawn = _programme(
        trust, "Withdrawn mentoring scheme", status=ProgrammeStatus.WITHDRAWN,
        withdrawn_reason="The provider stopped running it.",
    )  # fmt: skip
    rate(mentor, 1, 3.6, 4, governance=3.8, purpose=3.5)
    rate(curriculum, 2, 3.0, 3, governance=2.5, purpose=3.1)
    rate(middle, 3, 2.4, 2, governance=2.9, purpose=2.0)
    rate(headship, None, None, 1)
    rate(executive, 2, 3.0, 5, governance=3.0, purpose=2.9)
    rate(withdrawn, 2, 3.1, 3, governance=3.0)
    make_provider_rating(trust, rated_programmes=2, review_count=6, shown_score=3.1)
    make_provider_rating(university, rated_programmes=2, review_count=8, shown_score=3.0)
    refresh_search_vectors()
    return Catalogue(
        mentor, curriculum, middle, network, headship, executive, draft, withdrawn, trust, university, charity
    )


def titles(response) -> list[str]:
    return [programme.title for programme in response.context["page"].object_list]


def facet(response, name: str) -> dict[str, int]:
    return {option.value: option.count for option in response.context["directory"].facets[name]}
