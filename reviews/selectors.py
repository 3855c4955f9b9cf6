"""Reads for the review workflow pages; each list is one or two queries however long it is."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, Prefetch, Q, QuerySet

from programmes.models import EvidenceStatement, Programme
from programmes.vocabulary import ElementKey, ProgrammeStatus
from ratings.moderation import Disagreement, disagreements
from reviews.models import AuditEvent, Criterion, CriterionScore, LevelDescriptor, Review, ReviewState, ScoreLevel
from reviews.state_machine import REVIEW_HANDED_IN, REVIEW_WAS_HANDED_IN

# Reviews whose scores a convenor compares (a returned review was handed in once, too).
# Superseded reviews belong to an earlier round: the history keeps them, moderation does not compare them.
COMPARED_STATES = (*(s for s in REVIEW_HANDED_IN if s != ReviewState.SUPERSEDED), ReviewState.RETURNED)
QUEUE_STATUSES = (ProgrammeStatus.SUBMITTED, ProgrammeStatus.IN_REVIEW, ProgrammeStatus.PUBLISHED)
# The queue's extra tab: published programmes under re-review (reaccreditation or a concern).
REREVIEW_TAB = "re-review"


def my_assignments(*, reviewer: User, state: str = "", search: str = "") -> QuerySet[Review]:
    """A reviewer's reviews, newest assignment first; optionally one state, or words in the title."""
    reviews = Review.objects.filter(reviewer=reviewer)
    if state:
        reviews = reviews.filter(state=state)
    if search.strip():
        reviews = reviews.filter(programme__title__icontains=search.strip())
    return (
        reviews.select_related("programme__provider")
        .annotate(scored=Count("scores", filter=Q(scores__score__isnull=False)))
        .order_by("-assigned_at", "-id")
    )


def framework_criteria(*, framework_id: int) -> list[Criterion]:
    """A framework's criteria in order, with their level descriptors (two queries)."""
    return list(
        Criterion.objects.filter(element__framework_id=framework_id)
        .select_related("element")
        .prefetch_related(Prefetch("descriptors", queryset=LevelDescriptor.objects.order_by("level")))
        .order_by("element__position", "position")
    )


def level_names(*, framework_id: int) -> dict[int, str]:
    return dict(ScoreLevel.objects.filter(framework_id=framework_id).values_list("level", "name"))


def scores_of(*, review: Review) -> list[CriterionScore]:
    return list(CriterionScore.objects.filter(review=review).select_related("criterion"))


ELEMENT_ORDER = {key.value: position for position, key in enumerate(ElementKey)}


def evidence_of(*, programme: Programme) -> list[EvidenceStatement]:
    """The evidence portfolio in the framework's order: purpose, governance, process, …"""
    statements = EvidenceStatement.objects.filter(programme=programme)
    return sorted(statements, key=lambda statement: ELEMENT_ORDER.get(statement.element, 99))


QUEUE_PAGE_SIZES = (25, 50, 100)


def convenor_queue(
    *, status: str, search: str = "", focus_level: str = "", provider_type: str = ""
) -> QuerySet[Programme]:
    """Programmes in one stage: waiting longest first; published ones newest first (an index
    on (status, -published_at) serves that), narrowed by words in the programme's title or its
    provider's name, focus level and provider type; the re-review tab lists programmes with an open
    re-review, oldest first. Count reviews per page with ``with_review_counts``."""
    if status == REREVIEW_TAB:
        order = ("rereviews__opened_at", "id")
        programmes = Programme.objects.filter(rereviews__closed_at__isnull=True)
    elif status == ProgrammeStatus.PUBLISHED:
        order = ("-published_at", "-id")
        programmes = Programme.objects.filter(status=status)
    else:
        order = ("submitted_at", "id")
        programmes = Programme.objects.filter(status=status)
    if search.strip():
        words = search.strip()
        programmes = programmes.filter(Q(title__icontains=words) | Q(provider__name__icontains=words))
    if focus_level:
        programmes = programmes.filter(focus_level=focus_level)
    if provider_type:
        programmes = programmes.filter(provider__provider_type=provider_type)
    return programmes.select_related("provider").order_by(*order)


def with_review_counts(programmes: list[Programme]) -> list[Programme]:
    """Sets ``reviews_<state>`` on each programme of one page, from one grouped query.

    Counting for the page only, not inside the paginated query, keeps the page count a plain
    index count even with 160,000 published programmes."""
    counts = (
        Review.objects.filter(programme__in=programmes)
        .values_list("programme_id", "state")
        .annotate(number=Count("id"))
        .order_by()
    )
    by_programme: dict[int, dict[str, int]] = {}
    for programme_id, state, number in counts:
        by_programme.setdefault(programme_id, {})[state] = number
    for programme in programmes:
        found = by_programme.get(programme.id, {})
        for state in ReviewState:
            setattr(programme, f"reviews_{state.name.lower()}", found.get(state.value, 0))
    return programmes


@dataclass
class ComparedRow:
    criterion: Criterion
    scores: list[int | None]
    # Levels apart, when at least two reviewers scored it (``ratings.moderation``).
    spread: int | None = None
    disagreement: bool = False
    rationales: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    """The reviews of one programme side by side, one row per criterion, with the moderation
    check over them."""

    reviews: list[Review]
    rows: list[ComparedRow] = field(default_factory=list)
    moderation: Disagreement | None = None

    @property
    def disagreements(self) -> int:
        return sum(row.disagreement for row in self.rows)


def side_by_side(*, programme: Programme, reviews: list[Review]) -> Comparison:
    """Handed-in reviews' scores per criterion; rows where reviewers are the framework's
    ``disagreement_levels`` or more apart are highlighted, and elements whose reviewer means
    differ by its ``moderation_element_gap`` flag the programme."""
    compared = [review for review in reviews if review.state in COMPARED_STATES]
    comparison = Comparison(reviews=compared)
    if not compared:
        return comparison
    framework = compared[0].framework
    given = CriterionScore.objects.filter(review__in=compared).only("review_id", "criterion_id", "score", "rationale")
    scores, rationales = {}, {}
    for score in given:
        scores[(score.review_id, score.criterion_id)] = score.score
        rationales[(score.review_id, score.criterion_id)] = score.rationale
    comparison.moderation = disagreements(review_ids=[review.id for review in compared], framework=framework).get(
        programme.id, Disagreement(highlight_levels=framework.disagreement_levels)
    )
    for criterion in Criterion.objects.filter(element__framework_id=framework.id).order_by(
        "element__position", "position"
    ):
        row = ComparedRow(
            criterion,
            [scores.get((review.id, criterion.id)) for review in compared],
            rationales=[rationales.get((review.id, criterion.id), "") for review in compared],
        )
        if sum(score is not None for score in row.scores) > 1:
            row.spread = comparison.moderation.criterion_gaps.get(criterion.id)
        row.disagreement = comparison.moderation.highlighted(criterion.id)
        comparison.rows.append(row)
    return comparison


def programme_reviews(*, programme: Programme) -> list[Review]:
    return list(
        Review.objects.filter(programme=programme).select_related("reviewer", "framework").order_by("assigned_at", "id")
    )


def other_handed_in_reviews(*, review: Review) -> list[Review]:
    """The other reviewers' handed-in reviews of the same programme (for blind review, after one's own)."""
    return list(
        Review.objects.filter(REVIEW_WAS_HANDED_IN, programme_id=review.programme_id)
        .exclude(pk=review.pk)
        .order_by("id")
    )


def published_feedback(*, programme: Programme) -> list[Review]:
    """The published reviews of a programme, for its provider: scores and comments, no names."""
    return list(
        Review.objects.filter(programme=programme, state=ReviewState.PUBLISHED)
        .only("id", "overall_comment", "published_at", "programme_id", "framework_id")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=CriterionScore.objects.select_related("criterion").order_by(
                    "criterion__element__position", "criterion__position"
                ),
            )
        )
        .order_by("id")
    )


def audit_trail(
    *, programme: Programme | None = None, review: Review | None = None, provider_id: int | None = None
) -> QuerySet[AuditEvent]:
    """A programme's, a review's, or a provider's own (its profile) events, newest first."""
    events = AuditEvent.objects.select_related("actor", "review__reviewer").order_by("-created_at", "-id")
    if review is not None:
        return events.filter(review=review)
    if provider_id is not None:
        return events.filter(provider_id=provider_id)
    return events.filter(programme=programme)


def saved_answers(*, review: Review) -> dict[int, tuple[int | None, str]]:
    """A review's saved level and rationale per criterion id (one query)."""
    rows = CriterionScore.objects.filter(review=review).values_list("criterion_id", "score", "rationale")
    return {criterion_id: (score, rationale) for criterion_id, score, rationale in rows}
