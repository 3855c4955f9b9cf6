"""Test data made the way the product makes it: real rows in PostgreSQL, no mocks."""

import itertools
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.utils import timezone

from pool.models import ReviewerProfile
from programmes.models import Programme
from programmes.vocabulary import DeliveryMode, FocusLevel, Format, ProgrammeStatus
from providers.models import Provider
from providers.vocabulary import Phase, ProviderType, Region
from ratings.models import ProgrammeRating, ProviderRating
from reviews.models import Criterion, CriterionScore, Framework, Review, ReviewState

_numbers = itertools.count(1)


def make_user(username: str | None = None, *, role: str | None = None, **fields) -> User:
    username = username or f"user-{next(_numbers)}"
    user = User.objects.create_user(
        username=username, email=f"{username}@example.org", password="pw-for-tests-1", **fields
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    if role == "reviewer":
        join_pool(user)
    return user


def join_pool(user: User, *, status: str = "active", capacity: int = 4, **fields) -> ReviewerProfile:
    """A reviewer in the pool: by default active, calibrated on the live framework, knowing every
    phase and focus level, so that only what a test changes decides whether they are assignable."""
    defaults = {
        "status": status,
        "capacity": capacity,
        "calibrated_for": Framework.objects.filter(is_live=True).first() if status == "active" else None,
        "phases": [phase.value for phase in Phase],
        "focus_levels": [focus.value for focus in FocusLevel],
    }
    defaults.update(fields)
    profile, _ = ReviewerProfile.objects.update_or_create(reviewer=user, defaults=defaults)
    return profile


def make_provider(**fields) -> Provider:
    number = next(_numbers)
    defaults = {
        "name": f"Provider {number}",
        "slug": f"provider-{number}",
        "provider_type": ProviderType.MAT,
        "regions": [Region.LONDON],
        "phases": [Phase.PRIMARY],
    }
    defaults.update(fields)
    return Provider.objects.create(**defaults)


def make_programme(provider: Provider | None = None, **fields) -> Programme:
    number = next(_numbers)
    defaults = {
        "provider": provider or make_provider(),
        "title": f"Programme {number}",
        "slug": f"programme-{number}",
        "summary": "A programme for testing.",
        "focus_level": FocusLevel.MIDDLE_LEADER,
        "phases": [Phase.PRIMARY],
        "regions": [Region.LONDON],
        "format": Format.COURSE,
        "delivery_mode": DeliveryMode.BLENDED,
        "contact_hours": 12,
        "duration_weeks": 10,
        "cost_per_participant": Decimal("450.00"),
        "intended_outcomes": "Participants lead their subject well.",
        "evidence_base": "The EEF guidance on professional development.",
        "status": ProgrammeStatus.PUBLISHED,
    }
    defaults.update(fields)
    return Programme.objects.create(**defaults)


def live_framework() -> Framework:
    return Framework.objects.get(is_live=True)


# The starting framework's bands by rank, for ratings written without the engine.
BANDS = {1: "Exemplary", 2: "Secure", 3: "Developing", 4: "Limited"}


def programme_rating(
    programme: Programme,
    *,
    band_rank: int | None = 2,
    shown_score: float | None = 3.0,
    elements: dict[str, float | None] | None = None,
    **fields,
) -> ProgrammeRating:
    """A programme's rating row as the engine writes it, with no reviews behind it and not saved
    (bulk-create many, or see ``make_programme_rating``): two reviews on the live framework, the
    band ``band_rank`` names (none: not yet rated), ``elements`` the element scores by key and the
    raw mean the shown score, unless ``fields`` say otherwise."""
    values = {
        "programme": programme,
        "framework": fields.pop("framework", None) or live_framework(),
        "review_count": 2,
        "raw_mean": shown_score,
        "shown_score": shown_score,
        "band": BANDS.get(band_rank, "Not yet rated"),
        "band_rank": band_rank,
        "computed_at": timezone.now(),
        **{f"score_{key}": score for key, score in (elements or {}).items()},
    }
    return ProgrammeRating(**(values | fields))


def make_programme_rating(programme: Programme, **fields) -> ProgrammeRating:
    rating = programme_rating(programme, **fields)
    rating.save(force_insert=True)
    return rating


def make_provider_rating(provider: Provider, *, band_rank: int = 2, **fields) -> ProviderRating:
    """A provider's rating row as the engine writes it, with nothing behind it: one rated programme
    with two reviews, in the band ``band_rank`` names, unless ``fields`` say otherwise."""
    values = {
        "provider": provider,
        "rated_programmes": 1,
        "review_count": 2,
        "shown_score": 3.0,
        "band": BANDS[band_rank],
        "band_rank": band_rank,
        "computed_at": timezone.now(),
    }
    return ProviderRating.objects.create(**(values | fields))


def criteria_of(framework: Framework) -> list[Criterion]:
    return list(Criterion.objects.filter(element__framework=framework).select_related("element"))


def make_review(
    programme: Programme,
    reviewer: User,
    *,
    state: str = ReviewState.PUBLISHED,
    scores: dict[str, int] | int | None = 3,
    framework: Framework | None = None,
) -> Review:
    """A review with a score for every criterion: one number for all, or {code: score} (others 3)."""
    framework = framework or live_framework()
    review = Review.objects.create(programme=programme, reviewer=reviewer, framework=framework, state=state)
    if scores is not None:
        by_code = scores if isinstance(scores, dict) else {}
        default = 3 if isinstance(scores, dict) else scores
        CriterionScore.objects.bulk_create(
            CriterionScore(
                review=review,
                criterion=criterion,
                score=by_code.get(criterion.code, default),
                rationale=f"Rationale for {criterion.code}.",
            )
            for criterion in criteria_of(framework)
        )
    return review
