"""A register mid-review, for the workflow API tests and the permission matrix."""

from dataclasses import dataclass

from django.utils import timezone

from programmes.models import EvidenceStatement, Programme
from programmes.vocabulary import ElementKey, ProgrammeStatus
from qaportal.roles import Role
from reviews.models import Criterion, Review, ReviewState
from tests.factories import live_framework, make_programme, make_review, make_user

GOOD_RATIONALE = "The portfolio shows clear, consistent evidence for this criterion."


def add_evidence(programme: Programme) -> Programme:
    for element in ElementKey:
        EvidenceStatement.objects.create(
            programme=programme,
            element=element,
            statement=f"How we meet {element.label}.",
            links="https://example.org/a\nhttps://example.org/b",
        )
    return programme


def criterion_codes() -> list[str]:
    criteria = Criterion.objects.filter(element__framework=live_framework())
    return list(criteria.order_by("element__position", "position").values_list("code", flat=True))


def full_scores(level: int = 3, rationale: str = GOOD_RATIONALE) -> dict:
    return {code: {"score": level, "rationale": rationale} for code in criterion_codes()}


@dataclass
class MidReview:
    in_review: Programme  # reviewer's review in progress, other reviewer's submitted
    ready: Programme  # two accepted reviews: ready to publish
    published: Programme  # one published review
    own_review: Review
    submitted_review: Review
    published_review: Review


def make_mid_review(*, provider, reviewer, other_reviewer) -> MidReview:
    in_review = add_evidence(make_programme(provider, title="Coaching heads", status=ProgrammeStatus.IN_REVIEW))
    ready = add_evidence(make_programme(provider, title="Leading maths", status=ProgrammeStatus.IN_REVIEW))
    published = add_evidence(make_programme(provider, title="Early reading", status=ProgrammeStatus.PUBLISHED))
    make_review(ready, reviewer, state=ReviewState.ACCEPTED)
    make_review(ready, other_reviewer, state=ReviewState.ACCEPTED)
    published_review = make_review(published, other_reviewer, state=ReviewState.PUBLISHED)
    Review.objects.filter(pk=published_review.pk).update(published_at=timezone.now())
    return MidReview(
        in_review=in_review,
        ready=ready,
        published=published,
        own_review=make_review(in_review, reviewer, state=ReviewState.IN_PROGRESS, scores={"P1": 2}),
        submitted_review=make_review(in_review, other_reviewer, state=ReviewState.SUBMITTED),
        published_review=published_review,
    )


def make_spare_reviewer():
    return make_user("reviewer-ruth", role=Role.REVIEWER)
