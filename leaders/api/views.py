"""The leader's account (shortlists, saved searches, enquiries) and the provider's enquiry inbox,
over the same selectors and services as the pages."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from feedback.api.views import IsProviderEditor
from leaders import policies, selectors, services
from leaders.api.serializers import (
    EnquiryInputSerializer,
    InboxThreadDetailSerializer,
    InboxThreadSerializer,
    LeaderEnquirySerializer,
    LeaderThreadSerializer,
    MessageSerializer,
    ReplyInputSerializer,
    SavedSearchSerializer,
    ShortlistSerializer,
)
from leaders.models import Enquiry, EnquiryThread, SavedSearch, ShortlistEntry
from programmes.models import Programme
from providers.models import Provider
from qaportal.api.base import RegisterGenericView, RegisterListView
from qaportal.api.schema import error_response


class IsLeader(IsAuthenticated):
    message = "This is for school leaders' accounts."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and policies.is_leader(request.user)


class ShortlistsView(RegisterListView):
    """Your shortlists, each with its programmes and your private notes."""

    serializer_class = ShortlistSerializer
    permission_classes = [IsLeader]

    def get_queryset(self):
        entries = ShortlistEntry.objects.select_related("programme__provider").order_by("added_at")
        return policies.shortlists_for(self.request.user).prefetch_related(Prefetch("entries", queryset=entries))


class SavedSearchesView(RegisterListView):
    """Your saved directory searches (``query`` is the directory's query string)."""

    serializer_class = SavedSearchSerializer
    permission_classes = [IsLeader]

    def get_queryset(self):
        if not policies.is_leader(self.request.user):
            return SavedSearch.objects.none()
        return SavedSearch.objects.filter(owner=self.request.user)


def _provider_ids(slugs: list[str]) -> list[int]:
    """Slugs to ids; an unknown slug becomes an id no provider has, so the service refuses it by name."""
    known = dict(Provider.objects.filter(slug__in=slugs).values_list("slug", "id"))
    return [known.get(slug, -index - 1) for index, slug in enumerate(slugs)]


class EnquiriesView(RegisterListView):
    """Your enquiries, newest first, with each provider's thread; POST sends one to up to five
    providers of a shortlist (``shortlist``) or of a programme (``programme``), five a day."""

    serializer_class = LeaderEnquirySerializer
    permission_classes = [IsLeader]

    def get_queryset(self):
        return selectors.leader_enquiries(self.request.user).prefetch_related(
            "threads__messages", "threads__programmes"
        )

    @extend_schema(
        request=EnquiryInputSerializer,
        responses={
            201: LeaderEnquirySerializer,
            400: error_response(
                "400",
                also="Also for the enquiry's own rules: a need written out, dates from today with the end "
                "after the start, one to five providers of the shortlist or programme it starts from, which "
                "must be the leader's (the error is on that field).",
            ),
        },
        operation_id="enquiry_create",
    )
    def post(self, request):
        typed = EnquiryInputSerializer(data=request.data)
        typed.is_valid(raise_exception=True)
        data = typed.validated_data
        programme_id = None
        if "programme" in data:
            programme_id = Programme.objects.filter(slug=data["programme"]).values_list("id", flat=True).first() or -1
        enquiry_request = services.EnquiryRequest(
            need=data["need"], phase=data["phase"], staff_count=data["staff_count"], starts_on=data["starts_on"],
            ends_on=data["ends_on"], providers=_provider_ids(data["providers"]),
        )  # fmt: skip
        enquiry = services.enquiry_send(by=request.user, request=enquiry_request,
                                        shortlist_id=data.get("shortlist"), programme_id=programme_id)  # fmt: skip
        fresh = selectors.leader_enquiry(request.user, enquiry.id)
        return Response(LeaderEnquirySerializer(fresh).data, status=201)


class EnquiryDetailView(RegisterGenericView):
    """One of your enquiries with every provider's replies."""

    serializer_class = LeaderEnquirySerializer
    permission_classes = [IsLeader]
    queryset = Enquiry.objects.none()

    def get(self, request, enquiry_id: int):
        found = selectors.leader_enquiry(request.user, enquiry_id)
        return Response(LeaderEnquirySerializer(found).data)


class _ReplyView(RegisterGenericView):
    """A message in a thread the caller is a party to; each side says which threads those are."""

    serializer_class = ReplyInputSerializer

    def threads(self, user) -> QuerySet[EnquiryThread]:
        raise NotImplementedError

    def reply(self, request, thread_id: int) -> Response:
        thread = get_object_or_404(self.threads(request.user), pk=thread_id)
        typed = ReplyInputSerializer(data=request.data)
        typed.is_valid(raise_exception=True)
        message = services.enquiry_reply(by=request.user, thread=thread, body=typed.validated_data["body"])
        return Response(MessageSerializer(message).data, status=201)


class LeaderReplyView(_ReplyView):
    """Write to a provider in one of your enquiry's threads (they are e-mailed; your address is not)."""

    permission_classes = [IsLeader]

    def threads(self, user) -> QuerySet[EnquiryThread]:
        return policies.threads_for_leader(user).select_related("enquiry")

    @extend_schema(request=ReplyInputSerializer, responses={201: MessageSerializer}, operation_id="enquiry_reply")
    def post(self, request, thread_id: int):
        return self.reply(request, thread_id)


class ShareEmailView(RegisterGenericView):
    """Show your e-mail address to this thread's provider (once; again changes nothing)."""

    serializer_class = LeaderThreadSerializer
    permission_classes = [IsLeader]
    queryset = EnquiryThread.objects.none()

    @extend_schema(request=None, responses=LeaderThreadSerializer, operation_id="enquiry_share_email")
    def post(self, request, thread_id: int):
        thread = get_object_or_404(policies.threads_for_leader(request.user).select_related("enquiry"), pk=thread_id)
        shared = services.enquiry_share_email(by=request.user, thread=thread)
        return Response(LeaderThreadSerializer(shared).data)


class InboxView(RegisterListView):
    """Enquiries to the providers you edit, newest first, with their status (unread, read, replied)."""

    serializer_class = InboxThreadSerializer
    permission_classes = [IsProviderEditor]

    def get_queryset(self):
        return selectors.provider_inbox(self.request.user)


class InboxThreadView(RegisterGenericView):
    """One enquiry to your provider with its conversation; reading it marks it read."""

    serializer_class = InboxThreadDetailSerializer
    permission_classes = [IsProviderEditor]
    queryset = EnquiryThread.objects.none()

    def get(self, request, thread_id: int):
        thread = self._thread(request, thread_id)
        services.enquiry_mark_read(by=request.user, thread=thread)
        return Response(InboxThreadDetailSerializer(self._thread(request, thread_id)).data)

    @staticmethod
    def _thread(request, thread_id: int) -> EnquiryThread:
        return selectors.provider_thread(request.user, thread_id)


class InboxReplyView(_ReplyView):
    """Reply to the leader through the register (they are e-mailed; your address is not in it)."""

    permission_classes = [IsProviderEditor]

    def threads(self, user) -> QuerySet[EnquiryThread]:
        return policies.threads_for_editor(user).select_related("provider")

    @extend_schema(request=ReplyInputSerializer, responses={201: MessageSerializer}, operation_id="inbox_reply")
    def post(self, request, thread_id: int):
        return self.reply(request, thread_id)
