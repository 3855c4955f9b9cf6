"""The review workflow over the API: framework, reviewers' assignments and scoring, convenors'
assignment and moderation. Every change goes through ``reviews.services``; every "may they?"
through ``reviews.policies``."""

import re
from collections.abc import Callable
from typing import cast

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from programmes import lifecycle
from programmes.api.serializers import ProgrammeDetailSerializer
from programmes.models import Programme
from programmes.vocabulary import ProgrammeStatus
from qaportal.api.base import RegisterGenericView, RegisterListView, RegisterRetrieveView
from qaportal.api.permissions import IsConvenor, IsReviewer
from qaportal.errors import ValidationFailed
from reviews import policies, selectors, services
from reviews.api.serializers import (
    AssignInputSerializer,
    AssignmentSerializer,
    ConflictInputSerializer,
    FrameworkSerializer,
    PortfolioSerializer,
    QueueEntrySerializer,
    ReasonInputSerializer,
    ReturnInputSerializer,
    ReviewInputSerializer,
    ReviewSerializer,
)
from reviews.models import Criterion, CriterionScore, Framework, Review, ScoreLevel

# The services name a criterion's form fields score_<id> and rationale_<id>; the API names them
# by code, as its input does: scores.P1.score.
CRITERION_FIELD = re.compile(r"^(score|rationale)_(\d+)$")


class LiveFrameworkView(RegisterRetrieveView):
    """The live QA framework: what reviewers score against and what ratings are computed from —
    its elements and criteria with their weights, the rubric (a descriptor per level), the score
    levels, the bands with their thresholds, and the rating settings."""

    serializer_class = FrameworkSerializer

    def get_object(self) -> Framework:
        criteria = Criterion.objects.order_by("position").prefetch_related("descriptors")
        return (
            Framework.objects.filter(is_live=True)
            .prefetch_related("levels", "bands", Prefetch("elements__criteria", queryset=criteria))
            .get()
        )

    @extend_schema(operation_id="framework_live")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def with_scores(reviews: QuerySet[Review]) -> QuerySet[Review]:
    ordered_scores = CriterionScore.objects.select_related("criterion").order_by(
        "criterion__element__position", "criterion__position"
    )
    return reviews.select_related("programme__provider", "reviewer", "framework").prefetch_related(
        Prefetch("scores", queryset=ordered_scores)
    )


def visible_reviews(user) -> QuerySet[Review]:
    return with_scores(policies.reviews_visible_to(user))


def review_response(review: Review, *, status_code: int = status.HTTP_200_OK) -> Response:
    fresh = with_scores(Review.objects.filter(pk=review.pk)).get()
    return Response(ReviewSerializer(fresh).data, status=status_code)


class AssignmentListView(RegisterListView):
    """The signed-in reviewer's own reviews, newest assignment first. Reviewers only."""

    serializer_class = AssignmentSerializer
    permission_classes = [IsReviewer]
    queryset = Review.objects.none()  # Tells the schema the model; get_queryset gives the rows.

    def get_queryset(self):
        return selectors.my_assignments(reviewer=self.request.user)


class ReviewDetailView(RegisterRetrieveView):
    """A review with its scores: for its reviewer and for convenors; anyone else gets 404."""

    serializer_class = ReviewSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self) -> Review:
        return get_object_or_404(visible_reviews(self.request.user), pk=self.kwargs["review_id"])


class ReviewPortfolioView(RegisterRetrieveView):
    """The programme under review and the provider's evidence portfolio, for the review's
    reviewer and for convenors; anyone else gets 404."""

    serializer_class = PortfolioSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self) -> dict:
        review = get_object_or_404(visible_reviews(self.request.user), pk=self.kwargs["review_id"])
        programme = Programme.objects.select_related("provider", "rating", "provider_response").get(
            pk=review.programme_id
        )
        return {"programme": programme, "evidence": selectors.evidence_of(programme=programme)}


def criterion_ids_by_code(review: Review) -> dict[str, int]:
    return dict(Criterion.objects.filter(element__framework_id=review.framework_id).values_list("code", "id"))


def score_inputs(review: Review, typed: dict) -> dict[int, services.ScoreInput]:
    # A level the framework does not have is the input's own error, reported before anything else.
    levels = set(ScoreLevel.objects.filter(framework_id=review.framework_id).values_list("level", flat=True))
    out_of_range = {
        f"scores.{code}.score": [f"Select a level from 1 to {max(levels, default=4)} for {code}."]
        for code, entry in typed.items()
        if entry["score"] is not None and entry["score"] not in levels
    }
    if out_of_range:
        raise ValidationFailed(out_of_range)
    ids = criterion_ids_by_code(review)
    unknown = sorted(code for code in typed if code not in ids)
    if unknown:
        raise ValidationFailed(
            {f"scores.{code}": ["There is no criterion with this code in the review's framework."] for code in unknown}
        )
    return {
        ids[code]: services.ScoreInput(score=entry["score"], rationale=entry["rationale"])
        for code, entry in typed.items()
    }


def in_api_terms(error: ValidationFailed, review: Review) -> ValidationFailed:
    codes = {criterion_id: code for code, criterion_id in criterion_ids_by_code(review).items()}
    renamed: dict[str, list[str]] = {}
    for field, messages in error.field_errors.items():
        match = CRITERION_FIELD.match(field)
        if match and int(match[2]) in codes:
            field = f"scores.{codes[int(match[2])]}.{match[1]}"
        renamed.setdefault(field, []).extend(messages)
    return ValidationFailed(renamed)


class OwnReviewAction(RegisterGenericView):
    """An action on one of the signed-in reviewer's own reviews (another's is a 404)."""

    permission_classes = [IsReviewer]
    queryset = Review.objects.none()

    def own_review(self) -> Review:
        return get_object_or_404(policies.reviews_for_reviewer(self.request.user), pk=self.kwargs["review_id"])


class ScoringView(OwnReviewAction):
    serializer_class = ReviewInputSerializer
    service: Callable[..., Review]

    def post(self, request, review_id: int):
        review = self.own_review()
        typed = ReviewInputSerializer(data=request.data)
        typed.is_valid(raise_exception=True)
        data = typed.validated_data
        try:
            type(self).service(
                review=review,
                by=request.user,
                scores=score_inputs(review, data.get("scores", {})),
                overall_comment=data.get("overall_comment", review.overall_comment),
                no_conflict_confirmed=data.get("no_conflict_confirmed", review.no_conflict_confirmed),
            )
        except ValidationFailed as error:
            raise in_api_terms(error, review) from error
        return review_response(review)


class ReviewDraftView(ScoringView):
    """Save a draft: whatever is sent is kept, complete or not (scores must be levels of its framework).
    409 once the review has been handed in."""

    service = services.review_save_draft

    @extend_schema(request=ReviewInputSerializer, responses=ReviewSerializer, operation_id="review_save_draft")
    def post(self, request, review_id: int):
        return super().post(request, review_id)


class ReviewSubmitView(ScoringView):
    """Hand the review in, saving what is sent first. 400 with an error per missing score or
    rationale (nothing typed is lost); 409 if the review is no longer the reviewer's to submit."""

    service = services.review_submit

    @extend_schema(request=ReviewInputSerializer, responses=ReviewSerializer, operation_id="review_submit")
    def post(self, request, review_id: int):
        return super().post(request, review_id)


class ReviewConflictView(OwnReviewAction):
    """Declare a conflict of interest: the assignment is released and the convenors are told."""

    serializer_class = ConflictInputSerializer

    @extend_schema(request=ConflictInputSerializer, responses=ReviewSerializer, operation_id="review_declare_conflict")
    def post(self, request, review_id: int):
        review = self.own_review()
        typed = ConflictInputSerializer(data=request.data)
        typed.is_valid(raise_exception=True)
        services.review_declare_conflict(review=review, by=request.user, note=typed.validated_data["conflict_note"])
        return review_response(review)


class ModerationAction(RegisterGenericView):
    """A convenor's action on any review."""

    permission_classes = [IsConvenor]
    queryset = Review.objects.none()

    def review(self) -> Review:
        return get_object_or_404(Review, pk=self.kwargs["review_id"])

    def convenor(self) -> User:
        # IsConvenor has let only a signed-in convenor through.
        return cast(User, self.request.user)


class ReviewAcceptView(ModerationAction):
    """Accept a submitted review. 409 from any other state."""

    @extend_schema(request=None, responses=ReviewSerializer, operation_id="review_accept")
    def post(self, request, review_id: int):
        review = services.review_accept(review=self.review(), by=request.user)
        return review_response(review)


class ModerationActionWithText(ModerationAction):
    """A convenor's action that carries a comment or reason: validate it with ``serializer_class``,
    pass it to ``service`` as ``text_field``; the schema names the operation ``operation_id``."""

    text_field = "reason"
    operation_id: str
    service: Callable[..., Review]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        schema = extend_schema(request=cls.serializer_class, responses=ReviewSerializer, operation_id=cls.operation_id)
        extend_schema_view(post=schema)(cls)

    def post(self, request, review_id: int):
        typed = self.get_serializer(data=request.data)
        typed.is_valid(raise_exception=True)
        text = typed.validated_data[self.text_field]
        review = type(self).service(review=self.review(), by=self.convenor(), **{self.text_field: text})
        return review_response(review)


class ReviewReturnView(ModerationActionWithText):
    """Return a submitted or accepted review to its reviewer with a comment."""

    serializer_class = ReturnInputSerializer
    text_field = "comment"
    operation_id = "review_return"
    service = services.review_return


class ReviewWithdrawView(ModerationActionWithText):
    """Withdraw a published review; the programme's rating is recomputed."""

    serializer_class = ReasonInputSerializer
    operation_id = "review_withdraw"
    service = services.review_withdraw


class ReviewReleaseView(ModerationActionWithText):
    """Release a reviewer from an unfinished assignment (assigned, in progress or returned). 409 otherwise."""

    serializer_class = ReasonInputSerializer
    operation_id = "review_release"
    service = services.review_release


class QueueFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[(value, ProgrammeStatus(value).label) for value in selectors.QUEUE_STATUSES],
        default=ProgrammeStatus.SUBMITTED,
        allow_blank=True,
        help_text="Empty or left out: submitted.",
    )


class ModerationQueueView(RegisterListView):
    """Programmes in one stage of review (submitted by default), oldest submission first, with
    their reviews counted by state. Convenors only."""

    serializer_class = QueueEntrySerializer
    permission_classes = [IsConvenor]
    queryset = Programme.objects.none()

    def get_queryset(self):
        chosen = QueueFilterSerializer(data=self.request.query_params)
        chosen.is_valid(raise_exception=True)
        return selectors.convenor_queue(status=chosen.validated_data["status"] or ProgrammeStatus.SUBMITTED)

    def paginate_queryset(self, queryset):
        # Reviews are counted for the page only (one grouped query), as on the convenors' page.
        return selectors.with_review_counts(super().paginate_queryset(queryset))

    @extend_schema(parameters=[QueueFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ConvenorProgrammeView(RegisterGenericView):
    """A convenor's action on a programme in any state."""

    permission_classes = [IsConvenor]
    queryset = Programme.objects.none()

    def programme(self) -> Programme:
        return get_object_or_404(Programme.objects.select_related("provider"), slug=self.kwargs["slug"])


class ProgrammeReviewListView(ConvenorProgrammeView):
    """Every review of a programme (any state), with reviewers' names and scores. Convenors only."""

    serializer_class = ReviewSerializer
    # Every review of one programme (a handful): one list, not pages.
    pagination_class = None

    @extend_schema(responses=ReviewSerializer(many=True), operation_id="programme_reviews_list")
    def get(self, request, slug: str):
        reviews = with_scores(Review.objects.filter(programme=self.programme())).order_by("assigned_at", "id")
        return Response(ReviewSerializer(reviews, many=True).data)


class ProgrammeAssignView(ConvenorProgrammeView):
    """Assign a reviewer to a submitted or in-review programme. 400 for a reviewer with a conflict
    of interest, one already assigned, or a user who is not an active reviewer; 409 if the
    programme is not awaiting review."""

    serializer_class = AssignInputSerializer

    @extend_schema(request=AssignInputSerializer, responses={201: ReviewSerializer}, operation_id="programme_assign")
    def post(self, request, slug: str):
        programme = self.programme()
        typed = AssignInputSerializer(data=request.data)
        typed.is_valid(raise_exception=True)
        username = typed.validated_data["reviewer"]
        reviewer = User.objects.filter(username=username).first()
        if reviewer is None:
            raise ValidationFailed({"reviewer": [f"No user has the username “{username}”."]})
        review = services.review_assign(programme=programme, reviewer=reviewer, by=request.user)
        return review_response(review, status_code=status.HTTP_201_CREATED)


class ProgrammePublishView(ConvenorProgrammeView):
    """Publish a programme with enough accepted reviews; its rating is recomputed after commit.
    409 if it has too few accepted reviews or is not in review."""

    @extend_schema(request=None, responses=ProgrammeDetailSerializer, operation_id="programme_publish")
    def post(self, request, slug: str):
        programme = lifecycle.programme_publish(programme=self.programme(), by=request.user)
        fresh = Programme.objects.select_related("provider", "rating", "provider_response").get(pk=programme.pk)
        return Response(ProgrammeDetailSerializer(fresh).data)
