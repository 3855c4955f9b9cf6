"""A provider's self-assessment (issue 15): its editors score their own programme against the live
framework on the same element pages as reviewers, privately; after review, their feedback page
shows it beside the reviewers' published scores, criterion by criterion.

It is never published and never counted: it lives in its own tables (``SelfAssessment``,
``SelfAssessmentScore``), which no rating, agreement, moderation, pool or export query reads, and
only ``policies.may_self_assess`` lets anyone see it. Nothing about it goes into the programme's
audit trail either, because convenors read that trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from programmes.models import Programme
from qaportal.errors import NotPermitted, ValidationFailed
from reviews import policies
from reviews.models import Criterion, Review, SelfAssessment, SelfAssessmentScore
from reviews.services import ScoreInput, check_score_inputs, live_framework, missing_scores

# The reviewers' mean more than half a level from the provider's own level reads as an over- or
# under-rating; within half a level is agreement (two reviewers one level apart average to a half).
AGREEMENT_GAP = Decimal("0.5")


def _refuse_unless_editor(by: User, programme: Programme) -> None:
    if not policies.may_self_assess(by, programme):
        raise NotPermitted("Only the provider's editors can assess their own programme.")


def self_assessment_open(*, programme: Programme, by: User) -> SelfAssessment:
    """The programme's self-assessment against the live framework, started on first use."""
    _refuse_unless_editor(by, programme)
    assessment, _ = SelfAssessment.objects.get_or_create(
        programme=programme, framework=live_framework(), defaults={"created_by": by, "updated_by": by}
    )
    return assessment


def self_assessment_save(*, assessment: SelfAssessment, by: User, scores: dict[int, ScoreInput]) -> SelfAssessment:
    """Save the criteria given (one element's page, or more), complete or not; levels must be the
    framework's. A finished self-assessment that is no longer complete is no longer finished."""
    _refuse_unless_editor(by, assessment.programme)
    check_score_inputs(framework_id=assessment.framework_id, scores=scores)
    with transaction.atomic():
        assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
        existing = {row.criterion_id: row for row in assessment.scores.all()}
        to_create: list[SelfAssessmentScore] = []
        to_update: list[SelfAssessmentScore] = []
        for criterion_id, typed in scores.items():
            row = existing.get(criterion_id) or SelfAssessmentScore(
                self_assessment=assessment, criterion_id=criterion_id
            )
            row.score, row.rationale = typed.score, typed.rationale.strip()
            (to_update if row.pk else to_create).append(row)
        SelfAssessmentScore.objects.bulk_create(to_create)
        SelfAssessmentScore.objects.bulk_update(to_update, ["score", "rationale", "updated_at"])
        if assessment.completed_at and missing_scores(
            framework_id=assessment.framework_id, saved=saved_answers(assessment)
        ):
            assessment.completed_at = None
        assessment.updated_by = by
        assessment.save(update_fields=["completed_at", "updated_by", "updated_at"])
    return assessment


def self_assessment_finish(*, assessment: SelfAssessment, by: User) -> SelfAssessment:
    """Mark it finished once every criterion has a level and a rationale; otherwise say what is missing."""
    _refuse_unless_editor(by, assessment.programme)
    errors = missing_scores(framework_id=assessment.framework_id, saved=saved_answers(assessment))
    if errors:
        raise ValidationFailed(errors)
    SelfAssessment.objects.filter(pk=assessment.pk).update(
        completed_at=timezone.now(), updated_by=by, updated_at=timezone.now()
    )
    assessment.refresh_from_db()
    return assessment


def saved_answers(assessment: SelfAssessment) -> dict[int, tuple[int | None, str]]:
    rows = SelfAssessmentScore.objects.filter(self_assessment=assessment).values_list(
        "criterion_id", "score", "rationale"
    )
    return {criterion_id: (score, rationale) for criterion_id, score, rationale in rows}


# --- Beside the reviewers' scores -------------------------------------------------------------


@dataclass
class SelfComparedRow:
    criterion: Criterion
    own: int | None
    reviewers: list[int | None]

    @property
    def mean(self) -> Decimal | None:
        given = [score for score in self.reviewers if score is not None]
        return (Decimal(sum(given)) / len(given)).quantize(Decimal("0.01")) if given else None

    @property
    def verdict(self) -> str:
        """ "over", "under", "in line", or "" when either side has no score."""
        if self.own is None or self.mean is None:
            return ""
        gap = self.own - self.mean
        if gap > AGREEMENT_GAP:
            return "over"
        return "under" if gap < -AGREEMENT_GAP else "in line"


@dataclass
class SelfComparison:
    assessment: SelfAssessment
    rows: list[SelfComparedRow] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(row.verdict == verdict for row in self.rows)

    @property
    def over(self) -> int:
        return self.count("over")

    @property
    def under(self) -> int:
        return self.count("under")

    @property
    def in_line(self) -> int:
        return self.count("in line")


def beside_reviews(*, programme: Programme, reviews: list[Review], user) -> SelfComparison | None:
    """The provider's self-assessment beside the published reviews (``published_feedback``, scores
    prefetched), per criterion of the reviews' framework; None for anyone but the provider's
    editors, or when they did not assess themselves against that framework."""
    if not reviews or not policies.may_self_assess(user, programme):
        return None
    framework_id = reviews[0].framework_id
    assessment = SelfAssessment.objects.filter(programme=programme, framework_id=framework_id).first()
    if assessment is None:
        return None
    own = saved_answers(assessment)
    given = {(review.id, row.criterion_id): row.score for review in reviews for row in review.scores.all()}
    comparison = SelfComparison(assessment)
    for criterion in Criterion.objects.filter(element__framework_id=framework_id).order_by(
        "element__position", "position"
    ):
        reviewers = [given.get((review.id, criterion.id)) for review in reviews]
        comparison.rows.append(SelfComparedRow(criterion, own.get(criterion.id, (None, ""))[0], reviewers))
    return comparison
