from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from feedback import patterns, policies, selectors, services
from feedback.api.serializers import (
    ParticipantRatingField,
    ParticipantRatingSerializer,
    PendingCommentSerializer,
    QuestionnaireSerializer,
    RoundDetailSerializer,
    RoundInputSerializer,
    RoundSerializer,
    UnusualRoundSerializer,
)
from feedback.models import FeedbackRound, ParticipantResponse
from programmes import selectors as programme_selectors
from qaportal.api.base import RegisterGenericView, RegisterListView
from qaportal.api.permissions import IsConvenor
from qaportal.errors import NotPermitted


class ParticipantRatingView(RegisterGenericView):
    """A programme's participant rating (separate from the expert rating) with each question's mean
    and the comments convenors approved; null if no feedback has been collected."""

    queryset = ParticipantResponse.objects.none()

    @extend_schema(responses=ParticipantRatingSerializer(allow_null=True), operation_id="programme_participant_rating")
    def get(self, request, slug: str):
        programme = programme_selectors.programme_for_public(slug=slug)
        return Response(
            ParticipantRatingField().to_representation(selectors.participant_summary(programme_id=programme.id))
        )


class LiveQuestionnaireView(RegisterGenericView):
    """The questions participants are asked now, with the rating's settings."""

    serializer_class = QuestionnaireSerializer

    def get(self, request):
        return Response(QuestionnaireSerializer(selectors.live_questionnaire()).data)


class IsProviderEditor(IsAuthenticated):
    message = "This is for provider editors."

    def has_permission(self, request, view) -> bool:
        from programmes.policies import is_editor

        return super().has_permission(request, view) and is_editor(request.user)


class ProgrammeRoundsView(RegisterListView):
    """A programme's feedback rounds (its provider's editors only); POST starts one and returns its
    single-use links."""

    serializer_class = RoundSerializer
    permission_classes = [IsProviderEditor]

    def programme(self):
        return get_object_or_404(policies.programmes_for_rounds(self.request.user), slug=self.kwargs["slug"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no programme
            return FeedbackRound.objects.none()
        return selectors.rounds_with_counts(self.programme().feedback_rounds.select_related("questionnaire"))

    @extend_schema(
        request=RoundInputSerializer, responses={201: RoundDetailSerializer}, operation_id="feedback_round_create"
    )
    def post(self, request, slug: str):
        programme = self.programme()
        typed = RoundInputSerializer(data=request.data)
        typed.is_valid(raise_exception=True)
        created = services.feedback_round_create(programme=programme, by=request.user, **typed.validated_data)
        fresh = selectors.rounds_with_counts(policies.rounds_for_editor(request.user)).get(pk=created.pk)
        return Response(RoundDetailSerializer(fresh, context={"request": request}).data, status=201)


class RoundDetailView(RegisterGenericView):
    """One round with its links and codes (its provider's editors only)."""

    serializer_class = RoundDetailSerializer
    permission_classes = [IsProviderEditor]

    def get(self, request, round_id: int):
        rounds = selectors.rounds_with_counts(policies.rounds_for_editor(request.user)).select_related("questionnaire")
        return Response(
            RoundDetailSerializer(get_object_or_404(rounds, pk=round_id), context={"request": request}).data
        )


class PendingCommentsView(RegisterListView):
    """Participants' comments awaiting a convenor's approval, oldest first."""

    serializer_class = PendingCommentSerializer
    permission_classes = [IsConvenor]

    def get_queryset(self):
        return selectors.comments_awaiting_approval()


class ModerateInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])


class ModerateCommentView(RegisterGenericView):
    """Publish a comment on the programme's page (``approve``) or keep it off (``reject``)."""

    serializer_class = ModerateInputSerializer
    permission_classes = [IsConvenor]

    @extend_schema(
        request=ModerateInputSerializer, responses=PendingCommentSerializer, operation_id="feedback_comment_moderate"
    )
    def post(self, request, response_id):
        response = get_object_or_404(ParticipantResponse.objects.select_related("round__programme"), pk=response_id)
        typed = ModerateInputSerializer(data=request.data)
        typed.is_valid(raise_exception=True)
        if not policies.may_moderate_feedback(request.user):
            raise NotPermitted("Only convenors approve participants' comments.")
        moderated = services.comment_moderate(response=response, by=request.user,
                                              approve=typed.validated_data["decision"] == "approve")  # fmt: skip
        return Response(PendingCommentSerializer(moderated).data)


class UnusualRoundsView(RegisterGenericView):
    """Rounds whose answers look unusual: many links used within minutes, or identical answers."""

    serializer_class = UnusualRoundSerializer
    permission_classes = [IsConvenor]
    queryset = FeedbackRound.objects.none()
    pagination_class = None

    @extend_schema(responses=UnusualRoundSerializer(many=True), operation_id="feedback_unusual_rounds")
    def get(self, request):
        return Response(UnusualRoundSerializer(patterns.unusual_rounds(), many=True).data)
