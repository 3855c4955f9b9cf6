"""Properties of the method on random registers (hypothesis), each example rolled back."""

import pytest
from django.contrib.auth.models import User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ratings.engine import recompute_all, recompute_programme
from ratings.models import ProgrammeRating, ProviderRating, RatingHistory
from reviews.models import Criterion, CriterionScore, Framework, Review, ReviewState
from tests.factories import make_programme, make_provider
from tests.ratings.helpers import in_rollback, programme_ratings, provider_ratings

pytestmark = pytest.mark.django_db

CRITERIA = 20
review_scores = st.lists(st.integers(1, 4), min_size=CRITERIA, max_size=CRITERIA)
programme_reviews = st.lists(review_scores, min_size=0, max_size=4)
registers = st.lists(programme_reviews, min_size=1, max_size=4)
EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def build(register: list[list[list[int]]], *, reverse_reviews: bool = False) -> list[int]:
    """Programmes (two providers) with published reviews scoring the live criteria in order."""
    framework = Framework.objects.get(is_live=True)
    criteria = list(Criterion.objects.filter(element__framework=framework).order_by("element__position", "position"))
    reviewers = [User.objects.create(username=f"property-reviewer-{n}") for n in range(4)]
    providers = [make_provider() for _ in range(min(2, len(register)))]
    programme_ids = []
    for index, reviews in enumerate(register):
        programme = make_programme(providers[index % 2])
        programme_ids.append(programme.id)
        order = list(enumerate(reviews))
        for reviewer_index, scores in reversed(order) if reverse_reviews else order:
            review = Review.objects.create(
                programme=programme,
                reviewer=reviewers[reviewer_index],
                framework=framework,
                state=ReviewState.PUBLISHED,
            )
            rows = [CriterionScore(review=review, criterion=c, score=s) for c, s in zip(criteria, scores, strict=True)]
            CriterionScore.objects.bulk_create(reversed(rows) if reverse_reviews else rows)
    return programme_ids


def by_position(programme_ids: list[int], ratings: dict[int, tuple]) -> list[tuple | None]:
    return [ratings.get(programme_id) for programme_id in programme_ids]


@EXAMPLES
@given(register=registers)
def test_every_score_stays_between_1_and_4(register):
    def check():
        build(register)
        recompute_all()
        for rating in ProgrammeRating.objects.all():
            scores = [rating.raw_mean, rating.shown_score, rating.score_purpose, rating.score_value]
            assert all(1 <= score <= 4 for score in scores if score is not None)
        assert all(1 <= rating.shown_score <= 4 for rating in ProviderRating.objects.exclude(shown_score=None))

    in_rollback(check)


@EXAMPLES
@given(register=registers, pick=st.integers(0, 10**6))
def test_raising_one_criterion_score_never_lowers_the_overall_score(register, pick):
    def check():
        programme_ids = build(register)
        recompute_all()
        raisable = CriterionScore.objects.filter(score__lt=4).order_by("id")
        if not raisable.exists():
            return
        score = raisable[pick % raisable.count()]
        programme_id = score.review.programme_id
        before = ProgrammeRating.objects.get(programme_id=programme_id)
        CriterionScore.objects.filter(pk=score.pk).update(score=score.score + 1)
        after = recompute_programme(programme_id=programme_id)
        assert after.raw_mean >= before.raw_mean
        if before.shown_score is not None:
            assert after.shown_score >= before.shown_score
        assert programme_ids

    in_rollback(check)


@EXAMPLES
@given(register=registers)
def test_the_order_of_reviews_does_not_matter(register):
    results = []

    def rate(reverse_reviews):
        def run():
            programme_ids = build(register, reverse_reviews=reverse_reviews)
            recompute_all()
            ratings = programme_ratings()
            results.append([row[1:] if row else None for row in by_position(programme_ids, ratings)])

        return run

    in_rollback(rate(False))
    in_rollback(rate(True))
    assert results[0] == results[1]


@EXAMPLES
@given(register=registers)
def test_recomputing_twice_changes_nothing(register):
    def check():
        programme_ids = build(register)
        recompute_all()
        ratings = list(ProgrammeRating.objects.order_by("pk").values())
        providers = list(ProviderRating.objects.order_by("pk").values())
        history = RatingHistory.objects.count()
        recompute_all()
        for programme_id in programme_ids:
            recompute_programme(programme_id=programme_id)
        assert list(ProgrammeRating.objects.order_by("pk").values()) == ratings
        assert list(ProviderRating.objects.order_by("pk").values()) == providers
        assert RatingHistory.objects.count() == history

    in_rollback(check)


@EXAMPLES
@given(register=registers)
def test_the_whole_register_and_the_per_programme_recompute_agree_exactly(register):
    def check():
        programme_ids = build(register)
        recompute_all()
        whole_register = (programme_ratings(), provider_ratings())
        ProgrammeRating.objects.all().delete()
        ProviderRating.objects.all().delete()
        for programme_id in programme_ids:
            recompute_programme(programme_id=programme_id)
        assert (programme_ratings(), provider_ratings()) == whole_register

    in_rollback(check)
