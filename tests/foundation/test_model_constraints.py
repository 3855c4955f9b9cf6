import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, connection, transaction

from programmes.models import Programme
from providers.vocabulary import Phase, Region
from qaportal.errors import ValidationFailed
from reviews import services
from reviews.models import (
    MAX_LEVELS,
    Criterion,
    CriterionScore,
    Element,
    ReviewState,
)
from tests.factories import criteria_of, make_programme, make_review

pytestmark = pytest.mark.django_db


def test_the_database_rejects_a_score_outside_the_possible_levels(reviewer, framework):
    """A framework has 1 to MAX_LEVELS levels; the services refuse a level its framework lacks."""
    review = make_review(make_programme(), reviewer, state=ReviewState.IN_PROGRESS, scores=None)
    criterion = criteria_of(framework)[0]
    for bad_score in (0, MAX_LEVELS + 1):
        with pytest.raises(IntegrityError), transaction.atomic():
            CriterionScore.objects.create(review=review, criterion=criterion, score=bad_score, rationale="x")


def test_the_service_refuses_a_level_above_the_frameworks_own_top_level(reviewer, framework):
    """5 passes the database's bound but is not one of this framework's four levels."""
    review = make_review(make_programme(), reviewer, state=ReviewState.IN_PROGRESS, scores=None)
    criterion = criteria_of(framework)[0]
    with pytest.raises(ValidationFailed, match=f"Select a level from 1 to 4 for {criterion.code}"):
        services.review_save_draft(review=review, by=reviewer, scores={criterion.id: services.ScoreInput(5, "x")})
    assert not CriterionScore.objects.filter(review=review, score__isnull=False).exists()


def test_the_database_rejects_a_second_score_for_the_same_criterion(reviewer, framework):
    review = make_review(make_programme(), reviewer, scores=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionScore.objects.create(review=review, criterion=criteria_of(framework)[0], score=2, rationale="x")


def test_a_reviewer_cannot_hold_two_active_reviews_of_one_programme(reviewer):
    programme = make_programme()
    make_review(programme, reviewer, state=ReviewState.ASSIGNED, scores=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_review(programme, reviewer, state=ReviewState.ASSIGNED, scores=None)


def test_programme_slugs_are_unique(provider):
    make_programme(provider, slug="leading-reading")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_programme(provider, slug="leading-reading")


def test_the_database_rejects_a_negative_cost(provider):
    programme = make_programme(provider)
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(cost_per_participant=-1)


def test_a_published_framework_refuses_changes_through_the_models(framework):
    criterion = Criterion.objects.filter(element__framework=framework).first()
    criterion.weight = 5
    with pytest.raises(ValidationError, match="cannot be changed"):
        criterion.save()


def test_a_published_framework_refuses_changes_in_the_database_itself(framework):
    element = Element.objects.filter(framework=framework).first()
    for statement, params in [
        ("UPDATE reviews_element SET weight = 3 WHERE id = %s", [element.id]),
        ("UPDATE reviews_framework SET prior_weight = 9 WHERE id = %s", [framework.id]),
        (
            "DELETE FROM reviews_leveldescriptor WHERE criterion_id IN "
            "(SELECT id FROM reviews_criterion WHERE element_id = %s)",
            [element.id],
        ),
    ]:
        with (
            pytest.raises((IntegrityError, InternalError), match="published"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, params)


def test_a_published_framework_may_still_be_retired(framework):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_framework SET is_live = false, status = 'retired' WHERE id = %s", [framework.id])
    framework.refresh_from_db()
    assert framework.status == "retired"


def test_regions_and_phases_round_trip_and_filter_as_sets(provider):
    programme = make_programme(provider, regions=[Region.LONDON, Region.SOUTH_EAST], phases=[Phase.SECONDARY])
    make_programme(provider, regions=[Region.NORTH_EAST], phases=[Phase.PRIMARY, Phase.SECONDARY])
    programme.refresh_from_db()
    assert programme.regions == {"london", "south-east"}
    assert str(programme.regions) == "London, South East"
    assert Programme.objects.filter(regions__overlaps=["south-east", "south-west"]).get() == programme
    assert Programme.objects.filter(phases__has_all=["secondary"]).count() == 2
    assert Programme.objects.filter(phases__has_all=["primary", "secondary"]).count() == 1
