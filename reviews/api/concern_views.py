"""Concerns over the API, through the same services as the pages (``reviews.concerns``): anyone
raises one (anonymously with the form's anti-automation, or with a token); convenors list and
triage them; a provider's editors read those about their programmes and respond."""

from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from feedback.api.views import IsProviderEditor
from programmes.models import Programme
from programmes.vocabulary import ProgrammeStatus
from qaportal.api.base import RegisterGenericView, RegisterListView
from qaportal.api.permissions import IsConvenor
from qaportal.client_address import client_address
from qaportal.errors import NotPermitted, ValidationFailed
from reviews import concerns, policies
from reviews.api.concern_serializers import (
    AskProviderInputSerializer,
    ConcernRaiseSerializer,
    ConcernReceiptSerializer,
    ConcernSerializer,
    ConcernStampSerializer,
    ConvenorConcernSerializer,
    DismissInputSerializer,
    OrderRereviewInputSerializer,
    RespondInputSerializer,
)
from reviews.concern_forms import automation_refusal, form_stamp
from reviews.models import Concern


class ConcernStampView(RegisterGenericView):
    """A signed time stamp for raising a concern without signing in: send it back with the concern
    no sooner than ``wait_seconds`` and no later than ``valid_seconds``, as the web form does."""

    serializer_class = ConcernStampSerializer

    @extend_schema(responses=ConcernStampSerializer, operation_id="concern_stamp")
    def get(self, request):
        return Response(ConcernStampSerializer.fresh(form_stamp()))


def _refuse_automation(request, typed: dict) -> None:
    """Anonymous clients pass the web form's checks; a token or session names who is asking."""
    if request.user.is_authenticated:
        return
    refusal = automation_refusal(website=typed["website"], stamp=typed["stamp"])
    if refusal:
        raise ValidationFailed({"website" if typed["website"] else "stamp": [refusal]})


class ProgrammeConcernRaiseView(RegisterGenericView):
    """Raise a concern about a published programme. Anyone may: without signing in, with a stamp
    from ``concern_stamp``; the same few concerns an hour from one address (or one account) as the form."""

    serializer_class = ConcernRaiseSerializer

    @extend_schema(
        request=ConcernRaiseSerializer, responses={201: ConcernReceiptSerializer}, operation_id="concern_raise"
    )
    def post(self, request, slug: str):
        programme = get_object_or_404(Programme, slug=slug, status=ProgrammeStatus.PUBLISHED)
        typed = ConcernRaiseSerializer(data=request.data)
        typed.is_valid(raise_exception=True)
        _refuse_automation(request, typed.validated_data)
        who = f"user:{request.user.pk}" if request.user.is_authenticated else client_address(request)
        concern = concerns.concern_raise(
            programme=programme,
            what=typed.validated_data["what"],
            evidence=typed.validated_data["evidence"],
            contact=typed.validated_data["contact"],
            client_key=who,
        )
        return Response(ConcernReceiptSerializer(concern).data, status=status.HTTP_201_CREATED)


class ConcernListView(RegisterListView):
    """Convenors: every concern, open ones first, oldest first within a status (with the contact
    given). Provider editors: the concerns about their programmes, newest first (never who raised
    them). Anyone else: 403."""

    queryset = Concern.objects.none()

    def get_permissions(self):
        return [IsConvenor() if policies.may_triage_concerns(self.request.user) else IsProviderEditor()]

    def get_serializer_class(self):
        return ConvenorConcernSerializer if policies.may_triage_concerns(self.request.user) else ConcernSerializer

    def get_queryset(self):
        if policies.may_triage_concerns(self.request.user):
            return concerns.concerns_to_triage()
        return concerns.concerns_for_editor(user=self.request.user)

    @extend_schema(responses=ConvenorConcernSerializer(many=True), operation_id="concern_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ConcernTriageView(RegisterGenericView):
    """A convenor's triage action on an open concern: the one service, its input validated first.
    400 with field errors for missing text; 409 once the concern is closed."""

    permission_classes = [IsConvenor]
    text_field = ""

    def act(self, concern: Concern, text: str) -> Concern:
        raise NotImplementedError

    def convenor(self) -> User:
        """The signed-in convenor that ``IsConvenor`` let through."""
        user = self.request.user
        if not policies.is_convenor(user):
            raise NotPermitted(IsConvenor.message)
        return user

    def post(self, request, concern_id: int):
        concern = get_object_or_404(Concern.objects.select_related("programme"), pk=concern_id)
        typed = self.get_serializer_class()(data=request.data)
        typed.is_valid(raise_exception=True)
        concern = self.act(concern, typed.validated_data[self.text_field])
        return Response(ConvenorConcernSerializer(concern).data)


def _triage_schema(serializer, operation_id: str):
    return extend_schema(request=serializer, responses=ConvenorConcernSerializer, operation_id=operation_id)


@extend_schema_view(post=_triage_schema(DismissInputSerializer, "concern_dismiss"))
class ConcernDismissView(ConcernTriageView):
    """Dismiss a concern with the reason (kept in the audit trail)."""

    serializer_class, text_field = DismissInputSerializer, "reason"

    def act(self, concern: Concern, text: str) -> Concern:
        return concerns.concern_dismiss(concern=concern, by=self.convenor(), reason=text)


@extend_schema_view(post=_triage_schema(AskProviderInputSerializer, "concern_ask_provider"))
class ConcernAskProviderView(ConcernTriageView):
    """Ask the provider to respond; its editors are e-mailed."""

    serializer_class, text_field = AskProviderInputSerializer, "question"

    def act(self, concern: Concern, text: str) -> Concern:
        return concerns.concern_ask_provider(concern=concern, by=self.convenor(), question=text)


@extend_schema_view(post=_triage_schema(OrderRereviewInputSerializer, "concern_order_rereview"))
class ConcernOrderRereviewView(ConcernTriageView):
    """Uphold the concern and order a re-review (the accreditation cycle's): the programme joins the
    re-review queue, its rating stands until the new reviews are published, its provider is e-mailed,
    and ``public_summary`` is shown on its page."""

    serializer_class, text_field = OrderRereviewInputSerializer, "public_summary"

    def act(self, concern: Concern, text: str) -> Concern:
        return concerns.concern_order_rereview(concern=concern, by=self.convenor(), public_summary=text)


class ConcernRespondView(RegisterGenericView):
    """A provider editor's response to an open concern about one of their programmes. Another
    provider's concern is not found (404); 409 once the concern is closed."""

    serializer_class = RespondInputSerializer
    permission_classes = [IsProviderEditor]

    @extend_schema(request=RespondInputSerializer, responses=ConcernSerializer, operation_id="concern_respond")
    def post(self, request, concern_id: int):
        concern = get_object_or_404(policies.concerns_for_provider_editor(request.user), pk=concern_id)
        typed = RespondInputSerializer(data=request.data)
        typed.is_valid(raise_exception=True)
        concern = concerns.concern_provider_respond(
            concern=concern, by=request.user, response=typed.validated_data["response"]
        )
        return Response(ConcernSerializer(concern).data)
