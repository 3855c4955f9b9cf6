from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from programmes import policies, selectors, services
from programmes.api.serializers import ProgrammeDetailSerializer, ProgrammeSerializer
from programmes.models import Programme
from programmes.vocabulary import ProgrammeStatus
from qaportal.api.base import RegisterGenericView, RegisterListView, RegisterRetrieveView
from reviews import policies as review_policies


class ProgrammeListView(RegisterListView):
    """The directory: published programmes."""

    serializer_class = ProgrammeSerializer

    def get_queryset(self):
        return selectors.published_programmes().order_by("title", "id")


class ProgrammeDetailView(RegisterRetrieveView):
    """One programme: published, or withdrawn (a withdrawn programme keeps its page and says so)."""

    serializer_class = ProgrammeDetailSerializer

    def get_object(self) -> Programme:
        try:
            return selectors.programme_for_public(slug=self.kwargs["slug"])
        except Programme.DoesNotExist as missing:
            raise Http404("No such programme") from missing


class WithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=10000, help_text="Why; shown on the programme's page.")


def programmes_for_withdrawal(user) -> QuerySet[Programme]:
    """What a user can address: convenors any programme; an editor also their own providers'
    programmes in any state; anyone else the public ones. The service decides the rest (403/409)."""
    if review_policies.may_moderate(user):
        return Programme.objects.all()
    public = Q(status__in=[ProgrammeStatus.PUBLISHED, ProgrammeStatus.WITHDRAWN])
    return Programme.objects.filter(public | Q(pk__in=policies.programmes_for_editor(user).values("pk")))


class ProgrammeWithdrawView(RegisterGenericView):
    """Withdraw a programme from the register (or from review), with its reviews and rating.
    Convenors withdraw published programmes; provider editors their own programmes."""

    serializer_class = WithdrawInputSerializer
    permission_classes = [IsAuthenticated]
    queryset = Programme.objects.none()

    @extend_schema(
        request=WithdrawInputSerializer, responses=ProgrammeDetailSerializer, operation_id="programme_withdraw"
    )
    def post(self, request, slug: str):
        programme = get_object_or_404(programmes_for_withdrawal(request.user), slug=slug)
        typed = WithdrawInputSerializer(data=request.data)
        typed.is_valid(raise_exception=True)
        services.programme_withdraw(programme=programme, by=request.user, reason=typed.validated_data["reason"])
        fresh = Programme.objects.select_related("provider", "rating", "provider_response").get(pk=programme.pk)
        return Response(ProgrammeDetailSerializer(fresh).data)
