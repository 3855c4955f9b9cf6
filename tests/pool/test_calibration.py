"""Calibration: a reviewer in training scores the sample, sees where they differ from the
reference, and is made active (and assignable) when their alpha reaches the framework's mark."""

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pool import calibration, services
from pool.eligibility import assignment_refusals
from pool.models import AttemptState, ReviewerProfile, ReviewerStatus
from qaportal.errors import InvalidTransition, ValidationFailed
from reviews import frameworks
from reviews.models import Framework
from reviews.services import review_assign
from tests import factories
from tests.pool.calibration_data import inputs, make_open_exercise, reference_levels
from tests.pool.conftest import queued_programme
from tests.workflow.conftest import criteria

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(db):
    user = factories.make_user("trainee-tess", role="reviewer")
    factories.join_pool(user, status=ReviewerStatus.IN_TRAINING)
    return user


@pytest.fixture
def exercise(sample_programme, convenor):
    return make_open_exercise(programme=sample_programme, convenor=convenor)


def package_alpha(own: list[int], reference: list[int]) -> float:
    return krippendorff.alpha(
        reliability_data=np.array([own, reference], dtype=float),
        level_of_measurement="ordinal",
        value_domain=[1, 2, 3, 4],
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=2, max_size=30))
def test_calibration_alpha_equals_the_krippendorff_package_on_the_same_scores(pairs):
    own, reference = [p[0] for p in pairs], [p[1] for p in pairs]
    ours = calibration.agreement_with_reference(pairs)
    if len(set(own + reference)) == 1:
        assert ours is None  # every value the same: agreement is undefined
        return
    assert ours == pytest.approx(package_alpha(own, reference), abs=1e-12)


def test_a_trainee_who_agrees_closely_passes_becomes_active_and_assignable(trainee, exercise, convenor, provider):
    programme = queued_programme()
    assert "in training" in assignment_refusals(reviewer=trainee, programme=programme)[0]
    attempt = calibration.attempt_start(reviewer=trainee)
    levels = reference_levels()
    levels["P1"] = levels["P1"] + 1 if levels["P1"] < 4 else 3  # one level out on one criterion
    attempt = calibration.attempt_submit(attempt=attempt, by=trainee, scores=inputs(levels))

    own = [levels[c.code] for c in criteria()]
    assert attempt.alpha == pytest.approx(package_alpha(own, [reference_levels()[c.code] for c in criteria()]))
    assert attempt.state == AttemptState.PASSED and attempt.alpha >= 0.667
    profile = ReviewerProfile.objects.get(reviewer=trainee)
    assert profile.status == ReviewerStatus.ACTIVE and profile.calibrated_for == Framework.objects.get(is_live=True)
    differences = calibration.differences(attempt=attempt)
    differing = [row for row in differences if row.gap]
    assert [row.criterion.code for row in differing] == ["P1"]
    assert differing[0].reference_rationale.startswith("The panel agreed this level")
    assert assignment_refusals(reviewer=trainee, programme=programme) == []
    review_assign(programme=programme, reviewer=trainee, by=convenor)


def test_a_trainee_far_from_the_reference_does_not_pass_and_stays_in_training(trainee, exercise):
    attempt = calibration.attempt_start(reviewer=trainee)
    flipped = {code: 5 - level for code, level in reference_levels().items()}
    attempt = calibration.attempt_submit(attempt=attempt, by=trainee, scores=inputs(flipped))
    assert attempt.state == AttemptState.NOT_PASSED and attempt.alpha < 0
    assert ReviewerProfile.objects.get(reviewer=trainee).status == ReviewerStatus.IN_TRAINING
    # They may try again: a fresh attempt on the same exercise.
    assert calibration.attempt_start(reviewer=trainee).pk != attempt.pk


def test_an_incomplete_attempt_is_refused_per_criterion_and_keeps_what_was_typed(trainee, exercise):
    attempt = calibration.attempt_start(reviewer=trainee)
    levels = reference_levels()
    typed = inputs(levels)
    p1 = next(c for c in criteria() if c.code == "P1")
    typed[p1.id] = typed[p1.id].__class__(None, "short")
    with pytest.raises(ValidationFailed) as refused:
        calibration.attempt_submit(attempt=attempt, by=trainee, scores=typed)
    assert refused.value.field_errors[f"score_{p1.id}"] == [f"Select a level for P1 {p1.title}."]
    assert "at least 20 characters" in refused.value.field_errors[f"rationale_{p1.id}"][0]
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.DRAFT
    assert attempt.scores.filter(score__isnull=False).count() == len(criteria()) - 1


def test_a_handed_in_attempt_cannot_be_changed(trainee, exercise):
    attempt = calibration.attempt_start(reviewer=trainee)
    calibration.attempt_submit(attempt=attempt, by=trainee, scores=inputs(reference_levels()))
    with pytest.raises(InvalidTransition):
        calibration.attempt_save(attempt=attempt, by=trainee, scores=inputs(reference_levels()))


def test_an_exercise_opens_only_with_every_reference_score_and_rationale(sample_programme, convenor):
    exercise = calibration.exercise_create(title="Half done", programme_slug=sample_programme.slug, by=convenor)
    partial = dict(list(inputs(reference_levels()).items())[:5])
    with pytest.raises(ValidationFailed):
        calibration.references_save(exercise=exercise, by=convenor, scores=partial, open_it=True)
    exercise.refresh_from_db()
    assert not exercise.is_open


def test_a_convenor_cannot_make_an_uncalibrated_reviewer_active(trainee, convenor):
    profile = ReviewerProfile.objects.get(reviewer=trainee)
    with pytest.raises(ValidationFailed, match="has not passed calibration"):
        services.profile_update(
            profile=profile,
            by=convenor,
            status=ReviewerStatus.ACTIVE,
            capacity=4,
            expertise_tags=[],
            phases=["primary"],
            focus_levels=["teacher"],
        )


def test_a_new_framework_version_that_requires_recalibration_stops_assignment_until_they_pass(
    reviewer, convenor, sample_programme
):
    programme = queued_programme()
    live = Framework.objects.get(is_live=True)
    draft = frameworks.framework_new_draft(source=live, by=convenor)
    Framework.objects.filter(pk=draft.pk).update(requires_recalibration=True)
    draft.refresh_from_db()
    frameworks.framework_publish(framework=draft, by=convenor)
    refusals = assignment_refusals(reviewer=reviewer, programme=programme)
    assert refusals == ["reviewer-rob must pass the calibration exercise for the new framework version first."]
    exercise = make_open_exercise(programme=sample_programme, convenor=convenor, title="Recalibration v2")
    assert exercise.framework_id == draft.id
    attempt = calibration.attempt_start(reviewer=reviewer)
    calibration.attempt_submit(attempt=attempt, by=reviewer, scores=inputs(reference_levels()))
    assert assignment_refusals(reviewer=reviewer, programme=programme) == []


def test_the_pass_mark_is_part_of_the_published_framework_and_cannot_be_changed(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.filter(is_live=True).update(calibration_pass_alpha="0.100")
