"""The packed shortcut and the per-criterion path give the same ratings, to the last bit.

The whole-register recompute computes most programmes with one aggregate per review (ratings.engine,
RAW_SQL) and leaves the rest (a criterion scored by fewer than every published review, a score
recorded twice for one live criterion, too many reviews for a packed field) to the per-criterion
statement. These registers mix both: unscored and missing criteria, and reviews recorded against
an older framework version whose criteria the live version reweighted, dropped or recoded.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programmes.vocabulary import ProgrammeStatus
from qaportal.roles import Role
from ratings import engine
from ratings.engine import recompute_all, recompute_programme
from ratings.models import FrameworkPrior, ProgrammeRating, ProviderRating, RatingHistory
from reviews.frameworks import framework_new_draft, framework_publish
from reviews.models import Criterion, CriterionScore, Framework, Review, ReviewState
from tests.factories import make_programme, make_provider, make_review, make_user
from tests.ratings.helpers import per_criterion_only, programme_ratings, provider_ratings

pytestmark = pytest.mark.django_db

CRITERIA = 20
MISSING = 0  # no score row at all (a None is a row with a null score)
score = st.one_of(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.none(), st.just(MISSING))
complete_scores = st.lists(st.integers(1, 4), min_size=CRITERIA, max_size=CRITERIA)
partial_scores = st.lists(score, min_size=CRITERIA, max_size=CRITERIA)
review = st.tuples(st.booleans(), st.one_of(complete_scores, complete_scores, partial_scores))
registers = st.lists(st.lists(review, min_size=0, max_size=4), min_size=1, max_size=5)
# What the newer version changes: weights only, a criterion dropped, or a criterion recoded (so
# that no older review scored it).
changes = st.sampled_from(["weights", "drop", "recode"])
EXAMPLES = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class Rollback(Exception):
    pass


def in_rollback(function):
    try:
        with transaction.atomic():
            function()
            raise Rollback
    except Rollback:
        pass


def ordered_criteria(framework: Framework) -> list[Criterion]:
    return list(Criterion.objects.filter(element__framework=framework).order_by("element__position", "position"))


def newer_version(change: str) -> tuple[Framework, Framework]:
    """The live version and a newer one made live, changed as ``change`` says."""
    older = Framework.objects.get(is_live=True)
    convenor = make_user(role=Role.CONVENOR)
    draft = framework_new_draft(source=older, by=convenor)
    Criterion.objects.filter(element__framework=draft, code="P1").update(weight=Decimal("2.5"))
    Criterion.objects.filter(element__framework=draft, code="V2").update(weight=Decimal("0.5"))
    if change == "drop":
        Criterion.objects.filter(element__framework=draft, code="G4").delete()
    elif change == "recode":
        Criterion.objects.filter(element__framework=draft, code="R2").update(code="R9")
    return older, framework_publish(framework=draft, by=convenor)


def build(register, older: Framework, newer: Framework) -> list[int]:
    criteria = {older.id: ordered_criteria(older), newer.id: ordered_criteria(newer)}
    reviewers = [User.objects.create(username=f"shortcut-reviewer-{n}") for n in range(4)]
    providers = [make_provider() for _ in range(min(2, len(register)))]
    programme_ids = []
    for index, reviews in enumerate(register):
        programme = make_programme(providers[index % 2])
        programme_ids.append(programme.id)
        for reviewer, (on_older, scores) in zip(reviewers, reviews, strict=False):
            framework = older if on_older else newer
            review = Review.objects.create(
                programme=programme, reviewer=reviewer, framework=framework, state=ReviewState.PUBLISHED
            )
            CriterionScore.objects.bulk_create(
                CriterionScore(review=review, criterion=criterion, score=value)
                for criterion, value in zip(criteria[framework.id], scores, strict=False)
                if value != MISSING
            )
    return programme_ids


def rate_from_scratch() -> tuple[dict, dict]:
    for model in (ProgrammeRating, ProviderRating, RatingHistory, FrameworkPrior):
        model.objects.all().delete()
    recompute_all()
    return programme_ratings(), provider_ratings()


@EXAMPLES
@given(register=registers, change=changes)
def test_the_shortcut_and_the_per_criterion_path_agree_exactly(register, change):
    def check():
        older, newer = newer_version(change)
        programme_ids = build(register, older, newer)
        with_shortcut = rate_from_scratch()
        with per_criterion_only():
            step_by_step = rate_from_scratch()
        assert with_shortcut == step_by_step
        assert set(with_shortcut[0]) == set(programme_ids)

    in_rollback(check)


@EXAMPLES
@given(register=registers, change=changes)
def test_with_older_versions_and_partial_reviews_the_two_recomputes_agree_exactly(register, change):
    def check():
        older, newer = newer_version(change)
        programme_ids = build(register, older, newer)
        whole_register = rate_from_scratch()
        ProgrammeRating.objects.all().delete()
        ProviderRating.objects.all().delete()
        for programme_id in programme_ids:
            recompute_programme(programme_id=programme_id)
        assert (programme_ratings(), provider_ratings()) == whole_register

    in_rollback(check)


def staged_paths(programme_ids: list[int]) -> dict[int, bool]:
    """Which path each programme takes: stage the scores as a recompute does, and read the flag."""
    framework = engine.live_framework()
    scope, params = engine.id_list(programme_ids)
    params.update(
        framework=framework.id,
        review_published=ReviewState.PUBLISHED,
        programme_published=ProgrammeStatus.PUBLISHED,
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS rating_raw")
        cursor.execute(engine.raw_sql(scope, engine.Layout.of(framework)), params)
        cursor.execute("SELECT programme_id, per_criterion FROM rating_raw")
        paths = dict(cursor.fetchall())
        cursor.execute("DROP TABLE rating_raw")
    return paths


def test_complete_reviews_take_the_shortcut_and_the_others_the_per_criterion_path():
    older, _ = newer_version("weights")
    provider = make_provider()
    complete, unscored, missing, duplicated, mixed, unreviewed, fifteen, sixteen = (
        make_programme(provider) for _ in range(8)
    )
    reviewers = [make_user() for _ in range(16)]
    for programme in (complete, unscored, missing, duplicated):
        for reviewer in reviewers[:2]:
            make_review(programme, reviewer, scores=3)
    for reviewer in reviewers[:15]:
        make_review(fifteen, reviewer, scores=4)
    for reviewer in reviewers:
        make_review(sixteen, reviewer, scores=4)
    make_review(mixed, reviewers[0], scores=2, framework=older)
    make_review(mixed, reviewers[1], scores=4)
    first = CriterionScore.objects.filter(review__programme=unscored, criterion__code="V1").first()
    CriterionScore.objects.filter(pk=first.pk).update(score=None)
    CriterionScore.objects.filter(review__programme=missing, criterion__code="D2").first().delete()
    # One review with as many scores as there are criteria, but P1 twice (on both versions) and
    # no P2: not every criterion scored once.
    review = Review.objects.filter(programme=duplicated).first()
    CriterionScore.objects.filter(review=review, criterion__code="P2").update(
        criterion=Criterion.objects.get(element__framework=older, code="P1")
    )

    paths = staged_paths(
        [complete.id, unscored.id, missing.id, duplicated.id, mixed.id, unreviewed.id, fifteen.id, sixteen.id]
    )

    assert paths == {
        complete.id: False,
        unscored.id: True,
        missing.id: True,
        duplicated.id: True,
        mixed.id: False,  # reviews on two versions, each scoring every live criterion once
        unreviewed.id: False,
        fifteen.id: False,
        sixteen.id: True,  # 16 fours would overflow a packed field
    }
    whole_register = rate_from_scratch()
    with per_criterion_only():
        assert rate_from_scratch() == whole_register
