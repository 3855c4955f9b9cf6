"""Training and calibration: a reviewer in training scores a sample programme whose reference
scores and rationales a panel agreed; their agreement with the reference is Krippendorff's
ordinal alpha, computed exactly as the register computes reviewer agreement
(``ratings.agreement.ordinal_alpha``), with the criteria as units and two coders — the
reviewer and the reference. Passing the framework's ``calibration_pass_alpha`` makes them active
and records the framework version they are calibrated on.

Alpha is undefined when every score on both sides is the same level (there is no variation to
agree on); such an attempt passes only if it matches the reference on every criterion.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from pool import policies
from pool.models import (
    AttemptState,
    CalibrationAttempt,
    CalibrationExercise,
    CalibrationScore,
    ReferenceScore,
    ReviewerProfile,
    ReviewerStatus,
)
from pool.services import record_pool_event
from programmes.models import Programme
from qaportal.errors import InvalidTransition, NotPermitted, ValidationFailed
from ratings.agreement import framework_levels, ordinal_alpha
from reviews.models import Criterion
from reviews.services import ScoreInput, live_framework, missing_scores, rationale_field, score_field


def agreement_with_reference(pairs: list[tuple[int, int]], levels: list[int] | None = None) -> float | None:
    """Ordinal alpha over units of (reviewer's score, reference score), one unit per criterion,
    on the live framework's levels unless others are given."""
    levels = levels or framework_levels(live_framework())
    counts: dict[tuple[int, ...], int] = {}
    for own, reference in pairs:
        vector = tuple(int(own == level) + int(reference == level) for level in levels)
        counts[vector] = counts.get(vector, 0) + 1
    return ordinal_alpha([(list(vector), units) for vector, units in counts.items()], levels)


def passes(alpha: float | None, pairs: list[tuple[int, int]], threshold: Decimal) -> bool:
    if alpha is None:
        return bool(pairs) and all(own == reference for own, reference in pairs)
    return alpha >= float(threshold)


# --- Convenors keep the exercises ------------------------------------------------------------


def _require_convenor(by: User) -> None:
    if not policies.may_manage_pool(by):
        raise NotPermitted("Only convenors keep calibration exercises.")


def exercise_create(*, title: str, programme_slug: str, by: User) -> CalibrationExercise:
    _require_convenor(by)
    errors = {}
    if not title.strip():
        errors["title"] = ["Give the exercise a title."]
    programme = Programme.objects.filter(slug=programme_slug.strip()).first()
    if programme is None:
        errors["programme"] = [f"No programme has the slug “{programme_slug.strip()}”."]
    if errors or programme is None:
        raise ValidationFailed(errors)
    return CalibrationExercise.objects.create(
        title=title.strip(), programme=programme, framework=live_framework(), created_by=by
    )


def references_save(*, exercise: CalibrationExercise, by: User, scores: dict[int, ScoreInput], open_it: bool) -> None:
    """The panel's agreed scores and rationales. Opening the exercise needs every criterion."""
    _require_convenor(by)
    with transaction.atomic():
        exercise = CalibrationExercise.objects.select_for_update().get(pk=exercise.pk)
        if exercise.attempts.exists():
            raise InvalidTransition("Reviewers have taken this exercise, so its reference can no longer change.")
        _refuse_foreign_criteria(exercise.framework_id, scores)
        for criterion_id, typed in scores.items():
            if typed.score is None:
                ReferenceScore.objects.filter(exercise=exercise, criterion_id=criterion_id).delete()
                continue
            ReferenceScore.objects.update_or_create(
                exercise=exercise,
                criterion_id=criterion_id,
                defaults={"score": typed.score, "rationale": typed.rationale.strip()},
            )
        if open_it:
            saved: dict[int, tuple[int | None, str]] = {
                row.criterion_id: (row.score, row.rationale) for row in exercise.references.all()
            }
            errors = missing_scores(framework_id=exercise.framework_id, saved=saved)
            if errors:
                raise ValidationFailed(errors)
            exercise.is_open = True
            exercise.save(update_fields=["is_open"])


def _refuse_foreign_criteria(framework_id: int, scores: dict[int, ScoreInput]) -> None:
    known = set(Criterion.objects.filter(element__framework_id=framework_id).values_list("id", flat=True))
    if set(scores) - known:
        raise ValidationFailed("The form contained a criterion that is not part of this exercise's framework.")
    bad = {
        score_field(c): ["Select a level from 1 to 4."] for c, t in scores.items() if t.score not in (None, 1, 2, 3, 4)
    }
    if bad:
        raise ValidationFailed(bad)


# --- Reviewers take one ----------------------------------------------------------------------


def exercise_for(*, reviewer: User) -> CalibrationExercise | None:
    """The open exercise on the live framework that this reviewer has not yet passed (newest first)."""
    framework = live_framework()
    passed = CalibrationAttempt.objects.filter(reviewer=reviewer, state=AttemptState.PASSED)
    return (
        CalibrationExercise.objects.filter(framework=framework, is_open=True)
        .exclude(id__in=passed.values("exercise_id"))
        .select_related("programme__provider")
        .first()
    )


def attempt_start(*, reviewer: User) -> CalibrationAttempt:
    """The reviewer's attempt in progress, or a new one on the exercise they should take."""
    if not policies.may_take_calibration(reviewer):
        raise NotPermitted("Calibration is for members of the reviewer pool.")
    exercise = exercise_for(reviewer=reviewer)
    if exercise is None:
        raise InvalidTransition("There is no calibration exercise for you to take at the moment.")
    attempt, _ = CalibrationAttempt.objects.get_or_create(
        exercise=exercise, reviewer=reviewer, state=AttemptState.DRAFT
    )
    return attempt


def _locked_own_draft(attempt: CalibrationAttempt, by: User) -> CalibrationAttempt:
    locked = CalibrationAttempt.objects.select_for_update().select_related("exercise").get(pk=attempt.pk)
    if locked.reviewer_id != by.id:
        raise NotPermitted("This is not your calibration attempt.")
    if locked.state != AttemptState.DRAFT:
        raise InvalidTransition("This attempt has been handed in; its result is below.")
    return locked


def attempt_save(
    *, attempt: CalibrationAttempt, by: User, scores: dict[int, ScoreInput], overall_comment: str = ""
) -> CalibrationAttempt:
    with transaction.atomic():
        attempt = _locked_own_draft(attempt, by)
        _write(attempt, scores, overall_comment)
    return attempt


def _write(attempt: CalibrationAttempt, scores: dict[int, ScoreInput], overall_comment: str) -> None:
    _refuse_foreign_criteria(attempt.exercise.framework_id, scores)
    existing = {row.criterion_id: row for row in attempt.scores.all()}
    for criterion_id, typed in scores.items():
        row = existing.get(criterion_id) or CalibrationScore(attempt=attempt, criterion_id=criterion_id)
        row.score, row.rationale = typed.score, typed.rationale.strip()
        row.save()
    attempt.overall_comment = overall_comment.strip()
    attempt.save(update_fields=["overall_comment"])


def attempt_submit(
    *, attempt: CalibrationAttempt, by: User, scores: dict[int, ScoreInput], overall_comment: str = ""
) -> CalibrationAttempt:
    """Save what was typed, then — if every criterion is scored with a rationale — compare it
    with the reference. A refused submission keeps everything typed as a draft."""
    with transaction.atomic():
        attempt = _locked_own_draft(attempt, by)
        _write(attempt, scores, overall_comment)
        saved = {row.criterion_id: (row.score, row.rationale) for row in attempt.scores.all()}
        errors = missing_scores(framework_id=attempt.exercise.framework_id, saved=saved)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        attempt = _locked_own_draft(attempt, by)
        _judge(attempt, by)
    return attempt


def _judge(attempt: CalibrationAttempt, by: User) -> None:
    framework = attempt.exercise.framework
    pairs = [(row.own, row.reference) for row in differences(attempt=attempt)]
    attempt.alpha = agreement_with_reference(pairs, framework_levels(framework))
    attempt.pass_alpha = framework.calibration_pass_alpha
    passed = passes(attempt.alpha, pairs, framework.calibration_pass_alpha)
    attempt.state = AttemptState.PASSED if passed else AttemptState.NOT_PASSED
    attempt.submitted_at = timezone.now()
    attempt.save(update_fields=["alpha", "pass_alpha", "state", "submitted_at"])
    alpha_text = "undefined" if attempt.alpha is None else f"{attempt.alpha:.3f}"
    record_pool_event(
        actor=by,
        reviewer_id=by.id,
        action=f"calibration-{attempt.state}",
        detail=f"{attempt.exercise}: alpha {alpha_text}",
    )
    if passed:
        profile = ReviewerProfile.objects.select_for_update().get(reviewer=by)
        profile.calibrated_for = framework
        became_active = profile.status == ReviewerStatus.IN_TRAINING
        if became_active:
            profile.status = ReviewerStatus.ACTIVE
        profile.save(update_fields=["calibrated_for", "status", "updated_at"])
        if became_active:
            record_pool_event(actor=by, reviewer_id=by.id, action="activated", detail="Passed calibration.")


@dataclass(frozen=True)
class Difference:
    criterion: Criterion
    own: int
    own_rationale: str
    reference: int
    reference_rationale: str

    @property
    def gap(self) -> int:
        return self.own - self.reference

    @property
    def in_words(self) -> str:
        if self.gap == 0:
            return "Same as the reference"
        levels = "level" if abs(self.gap) == 1 else "levels"
        return f"{abs(self.gap)} {levels} {'above' if self.gap > 0 else 'below'} the reference"


def differences(*, attempt: CalibrationAttempt) -> list[Difference]:
    """Criterion by criterion, the reviewer's score beside the panel's, in the framework's order."""
    references = {row.criterion_id: row for row in ReferenceScore.objects.filter(exercise_id=attempt.exercise_id)}
    own = {row.criterion_id: row for row in attempt.scores.all()}
    criteria = (
        Criterion.objects.filter(element__framework_id=attempt.exercise.framework_id)
        .select_related("element")
        .order_by("element__position", "position")
    )
    pairs = [(criterion, own.get(criterion.id), references.get(criterion.id)) for criterion in criteria]
    return [
        Difference(criterion, mine.score, mine.rationale, panel.score, panel.rationale)
        for criterion, mine, panel in pairs
        if mine is not None and panel is not None and mine.score is not None
    ]


def saved_form_values(attempt: CalibrationAttempt) -> dict[str, object]:
    initial: dict[str, object] = {"overall_comment": attempt.overall_comment}
    for row in attempt.scores.all():
        initial[score_field(row.criterion_id)] = row.score
        initial[rationale_field(row.criterion_id)] = row.rationale
    return initial
