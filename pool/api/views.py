"""The reviewer pool over the API: applying, convenors' decisions, the pool with its per-reviewer
measures (convenors only), and suggested assignments accepted through the one assignment service."""

from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from pool import selectors, services, suggestions
from pool.api.serializers import (
    ApplicationInputSerializer,
    ApplicationSerializer,
    AssignmentOutcomeSerializer,
    AssignmentsInputSerializer,
    DeclineInputSerializer,
    PoolMemberSerializer,
    SuggestionSerializer,
)
from pool.eligibility import candidates
from pool.measures import reviewer_measures
from pool.models import ReviewerApplication, ReviewerProfile, ReviewerStatus
from programmes.models import Programme
from qaportal.api.base import RegisterGenericView, RegisterListView
from qaportal.api.permissions import IsConvenor
from qaportal.api.schema import error_response
from qaportal.errors import ValidationFailed


class ApplicationListView(RegisterListView):
    """GET: applications awaiting a decision (convenors). POST: apply to review (anyone signed in)."""

    serializer_class = ApplicationSerializer
    queryset = ReviewerApplication.objects.none()

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else [IsConvenor()]

    def get_queryset(self):
        return selectors.pending_applications()

    @extend_schema(
        request=ApplicationInputSerializer, responses={201: ApplicationSerializer}, operation_id="pool_apply"
    )
    def post(self, request):
        typed = ApplicationInputSerializer(data=request.data)
        typed.is_valid(raise_exception=True)
        application = services.application_submit(applicant=request.user, **typed.validated_data)
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class ApplicationAction(RegisterGenericView):
    permission_classes = [IsConvenor]
    queryset = ReviewerApplication.objects.none()
    serializer_class = ApplicationSerializer

    def application(self) -> ReviewerApplication:
        return get_object_or_404(ReviewerApplication.objects.select_related("applicant"), pk=self.kwargs["pk"])


class ApplicationAcceptView(ApplicationAction):
    """Accept: the applicant joins the pool in training; their organisations become affiliations."""

    @extend_schema(request=None, responses=ApplicationSerializer, operation_id="pool_application_accept")
    def post(self, request, pk: int):
        application = self.application()
        services.application_accept(application=application, by=request.user)
        application.refresh_from_db()
        return Response(ApplicationSerializer(application).data)


class ApplicationDeclineView(ApplicationAction):
    """Decline, with the reason the applicant reads."""

    @extend_schema(
        request=DeclineInputSerializer, responses=ApplicationSerializer, operation_id="pool_application_decline"
    )
    def post(self, request, pk: int):
        typed = DeclineInputSerializer(data=request.data)
        typed.is_valid(raise_exception=True)
        application = services.application_decline(
            application=self.application(), by=request.user, reason=typed.validated_data["reason"]
        )
        return Response(ApplicationSerializer(application).data)


class PoolFilterSerializer(serializers.Serializer):
    # Read through a serializer, as every other list's filters are: a status the pool has not is a
    # 400 naming it, never a filter on a value the database cannot hold.
    status = serializers.ChoiceField(
        choices=ReviewerStatus.choices, default="", allow_blank=True, help_text="Empty or left out: every status."
    )


class PoolListView(RegisterListView):
    """The reviewer pool with each reviewer's workload and measures. Convenors only: these
    measures are never public or shown to other reviewers."""

    serializer_class = PoolMemberSerializer
    permission_classes = [IsConvenor]
    queryset = ReviewerProfile.objects.none()

    def get_queryset(self):
        chosen = PoolFilterSerializer(data=self.request.query_params)
        chosen.is_valid(raise_exception=True)
        return selectors.pool_members(status=chosen.validated_data["status"])

    def paginate_queryset(self, queryset):
        profiles = super().paginate_queryset(queryset)
        ids = [profile.reviewer_id for profile in profiles]
        found = {candidate.reviewer_id: candidate for candidate in candidates(reviewer_ids=ids)}
        measures = reviewer_measures(reviewer_ids=ids)
        return [_member(profile, found[profile.reviewer_id], measures[profile.reviewer_id]) for profile in profiles]

    @extend_schema(parameters=[PoolFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _member(profile: ReviewerProfile, candidate, measures) -> dict:
    return {
        "username": candidate.username,
        "name": candidate.name,
        "status": profile.status,
        "capacity": profile.capacity,
        "open_reviews": candidate.open_reviews,
        "phases": sorted(profile.phases),
        "focus_levels": sorted(profile.focus_levels),
        "expertise_tags": list(profile.expertise_tags),
        "needs_recalibration": candidate.needs_recalibration,
        "last_active": candidate.last_active,
        "measures": measures,
    }


class ProgrammeSuggestionsView(RegisterGenericView):
    """Suggested reviewers for one programme, with why each was chosen. Convenors only."""

    permission_classes = [IsConvenor]
    queryset = Programme.objects.none()
    serializer_class = SuggestionSerializer

    def get(self, request, slug: str):
        programme = get_object_or_404(Programme, slug=slug)
        return Response(SuggestionSerializer(suggestions.suggest_for_programme(programme_id=programme.id)).data)


class QueueSuggestionsView(RegisterGenericView):
    """GET: suggestions for every programme awaiting reviewers, made together to spread the work.
    POST: assign the chosen (programme, reviewer) pairs, each through the assignment service;
    each pair is reported as assigned or refused with the reason."""

    permission_classes = [IsConvenor]
    queryset = Programme.objects.none()
    serializer_class = SuggestionSerializer
    # The whole queue in one answer: the suggestions are made together, so a page of them would
    # not say what assigning the rest would do.
    pagination_class = None

    @extend_schema(responses=SuggestionSerializer(many=True), operation_id="pool_queue_suggestions")
    def get(self, request):
        return Response(SuggestionSerializer(suggestions.suggest_for_queue(), many=True).data)

    @extend_schema(
        request=AssignmentsInputSerializer,
        responses={
            200: AssignmentOutcomeSerializer(many=True),
            400: error_response(
                "400",
                also="Also when a pair names a programme slug or a username that does not exist; the error "
                "is on `assignments.<n>.programme` or `assignments.<n>.reviewer`.",
            ),
        },
        operation_id="pool_queue_assign",
    )
    def post(self, request):
        typed = AssignmentsInputSerializer(data=request.data)
        typed.is_valid(raise_exception=True)
        chosen = typed.validated_data["assignments"]
        programmes = dict(Programme.objects.filter(slug__in=[c["programme"] for c in chosen]).values_list("slug", "id"))
        users = dict(User.objects.filter(username__in=[c["reviewer"] for c in chosen]).values_list("username", "id"))
        unknown = {}
        for index, choice in enumerate(chosen):
            if choice["programme"] not in programmes:
                unknown[f"assignments.{index}.programme"] = [f"No programme has the slug “{choice['programme']}”."]
            if choice["reviewer"] not in users:
                unknown[f"assignments.{index}.reviewer"] = [f"No user has the username “{choice['reviewer']}”."]
        if unknown:
            raise ValidationFailed(unknown)
        pairs = [(programmes[c["programme"]], users[c["reviewer"]]) for c in chosen]
        outcomes = services.assignments_make(choices=pairs, by=request.user)
        return Response(AssignmentOutcomeSerializer(outcomes, many=True).data)
