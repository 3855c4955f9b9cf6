"""Reads for participant feedback: what the public, the provider and the convenors see."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from feedback.models import CommentStatus, FeedbackRound, ParticipantRating, ParticipantResponse, Questionnaire

PUBLISHED_COMMENTS_SHOWN = 20


@dataclass(frozen=True)
class QuestionMean:
    code: str
    text: str
    mean: float | None


@dataclass
class ParticipantSummary:
    """What the programme page, the API and the CSV show of participant feedback."""

    rating: ParticipantRating | None
    question_means: list[QuestionMean] = field(default_factory=list)
    comments: list[ParticipantResponse] = field(default_factory=list)
    comment_count: int = 0

    @property
    def is_shown(self) -> bool:
        return bool(self.rating and self.rating.is_shown)

    @property
    def responses_needed(self) -> int:
        if self.rating is None:
            return 0
        return max(self.rating.min_responses - self.rating.response_count, 0)


def live_questionnaire() -> Questionnaire:
    return Questionnaire.objects.prefetch_related("questions").get(is_live=True)


def participant_summary(*, programme_id: int) -> ParticipantSummary:
    """The programme's participant rating with its questions' means and published comments
    (at most four queries)."""
    rating = ParticipantRating.objects.filter(programme_id=programme_id).first()
    shown = rating if rating is not None and rating.is_shown else None
    texts = dict(shown.questionnaire.questions.values_list("code", "text")) if shown else {}
    means = [QuestionMean(code, texts[code], shown.question_means.get(code)) for code in texts if shown]
    published = ParticipantResponse.objects.filter(round__programme_id=programme_id,
                                                   comment_status=CommentStatus.APPROVED)  # fmt: skip
    comments = list(published.order_by("-submitted_on")[:PUBLISHED_COMMENTS_SHOWN])
    count = len(comments) if len(comments) < PUBLISHED_COMMENTS_SHOWN else published.count()
    return ParticipantSummary(rating=rating, question_means=means, comments=comments, comment_count=count)


def participant_ratings_for(programme_ids: list[int]) -> dict[int, ParticipantRating]:
    """Participant ratings by programme id (one query), for lists and exports."""
    return ParticipantRating.objects.in_bulk(programme_ids)


def rounds_with_counts(rounds: QuerySet[FeedbackRound]) -> QuerySet[FeedbackRound]:
    return (
        rounds.select_related("programme")
        .order_by("-created_at")
        .annotate(
            response_count=Count("responses", distinct=True),
        )
    )


def comments_awaiting_approval() -> QuerySet[ParticipantResponse]:
    return (
        ParticipantResponse.objects.filter(comment_status=CommentStatus.PENDING)
        .select_related("round__programme__provider")
        .order_by("submitted_on", "round_id")
    )
