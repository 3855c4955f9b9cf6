"""The summaries' test data: a small register with known figures (providers of two types, programmes in
known regions, published reviews with chosen scores, and the ratings the engine would have written)."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone

from programmes.vocabulary import FocusLevel, ProgrammeStatus
from providers.vocabulary import ProviderType, Region
from ratings.models import ProgrammeRating
from reviews.models import Review, ReviewState
from tests import factories


@pytest.fixture(autouse=True)
def empty_cache():
    """Summary figures are cached in Redis; every test starts from a cold cache."""
    cache.clear()
    yield
    cache.clear()


def rate(programme, *, band_rank: int | None, elements: dict[str, float] | None = None, reviews: int = 2):
    """Write the programme's rating row as the ratings engine would (band names from the framework)."""
    framework = factories.live_framework()
    band = framework.bands.get(rank=band_rank).name if band_rank else framework.not_rated_label
    elements = elements or {}
    return ProgrammeRating.objects.create(
        programme=programme,
        framework=framework,
        review_count=reviews,
        raw_mean=3.0 if band_rank else None,
        shown_score=3.0 if band_rank else None,
        band=band,
        band_rank=band_rank,
        computed_at=timezone.now(),
        **{f"score_{key}": value for key, value in elements.items()},
    )


def publish(review: Review, when: datetime.datetime) -> Review:
    Review.objects.filter(pk=review.pk).update(state=ReviewState.PUBLISHED, published_at=when)
    review.refresh_from_db()
    return review


@dataclass
class SmallRegister:
    trust_programme: object
    hub_programme: object
    unrated_programme: object
    draft_programme: object


def at(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


@pytest.fixture
def register(db, reviewer, other_reviewer):
    return make_small_register(reviewer, other_reviewer)


def make_small_register(reviewer, other_reviewer) -> SmallRegister:
    """Two rated programmes, one unrated, one draft.

    trust (MAT, London + South East, middle leaders): reviews 4 and 2 on P1, 3 and 4 on V4 (others 3), Secure,
      purpose 3.5, value 2.5; published January and February 2026.
    hub (hub, North East, headteachers): reviews 3 and 3 on every criterion, Exemplary, purpose 3.0,
      value 4.0; published February 2026.
    unrated (MAT, London): one review scoring 1 everywhere, published March 2026; not yet rated.
    draft (hub, London): a draft programme, never reviewed.
    """
    trust = factories.make_provider(name="Northgate Trust", provider_type=ProviderType.MAT)
    hub = factories.make_provider(name="Riverside Hub", provider_type=ProviderType.HUB, regions=[Region.NORTH_EAST])
    trust_programme = factories.make_programme(
        trust,
        title="Middle leaders' coaching",
        regions=[Region.LONDON, Region.SOUTH_EAST],
        focus_level=FocusLevel.MIDDLE_LEADER,
    )
    hub_programme = factories.make_programme(
        hub, title="Headship in practice", regions=[Region.NORTH_EAST], focus_level=FocusLevel.HEADTEACHER
    )
    unrated = factories.make_programme(trust, title="Subject leadership", regions=[Region.LONDON])
    draft = factories.make_programme(hub, title="A draft", status=ProgrammeStatus.DRAFT)
    publish(factories.make_review(trust_programme, reviewer, scores={"P1": 4}), at(2026, 1, 15))
    publish(factories.make_review(trust_programme, other_reviewer, scores={"P1": 2, "V4": 4}), at(2026, 2, 10))
    publish(factories.make_review(hub_programme, reviewer, scores=3), at(2026, 2, 11))
    publish(factories.make_review(hub_programme, other_reviewer, scores=3), at(2026, 2, 12))
    publish(factories.make_review(unrated, reviewer, scores=1), at(2026, 3, 3))
    rate(
        trust_programme,
        band_rank=2,
        elements={"purpose": 3.5, "governance": 3, "process": 3, "definitions": 3, "value": 2.5},
    )
    rate(
        hub_programme,
        band_rank=1,
        elements={"purpose": 3.0, "governance": 3, "process": 3, "definitions": 3, "value": 4.0},
    )
    rate(unrated, band_rank=None, elements={"purpose": 1, "value": 1}, reviews=1)
    return SmallRegister(trust_programme, hub_programme, unrated, draft)
