from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from leaders.models import Enquiry, EnquiryMessage, EnquiryThread, SavedSearch, Shortlist, ShortlistEntry
from leaders.selectors import leader_label
from leaders.services import MAX_STAFF, STAFF_RULE
from programmes.models import Programme
from providers.models import Provider
from providers.vocabulary import Phase
from qaportal.api.fields import PlainCharField


class ShortlistEntrySerializer(serializers.ModelSerializer):
    programme: "serializers.SlugRelatedField[Programme]" = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    title = serializers.CharField(source="programme.title", read_only=True)
    provider = serializers.CharField(source="programme.provider.name", read_only=True)

    class Meta:
        model = ShortlistEntry
        fields = ["programme", "title", "provider", "note", "added_at"]


class ShortlistSerializer(serializers.ModelSerializer):
    entries = ShortlistEntrySerializer(many=True, read_only=True)

    class Meta:
        model = Shortlist
        fields = ["id", "name", "created_at", "updated_at", "entries"]


class SavedSearchSerializer(serializers.ModelSerializer):
    class Meta:
        model = SavedSearch
        fields = ["id", "name", "query", "created_at"]


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnquiryMessage
        fields = ["id", "from_provider", "body", "created_at"]


class EnquiryFieldsSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enquiry
        fields = ["id", "subject", "need", "phase", "staff_count", "starts_on", "ends_on", "created_at"]


# How a thread stands for its provider (``thread_status``), as the schema names them.
THREAD_STATUSES = ["unread", "read", "replied"]


def thread_status(thread: EnquiryThread) -> str:
    """As the provider sees it: a message they have not opened, or their reply, or read."""
    if thread.is_unread:
        return "unread"
    return "replied" if thread.provider_replied_at else "read"


class LeaderThreadSerializer(serializers.ModelSerializer):
    """One provider's conversation, as the leader sees it."""

    provider: "serializers.SlugRelatedField[Provider]" = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    # many=True: DRF's RelatedField.__new__ returns the ManyRelatedField around the slug field.
    programmes: "serializers.ManyRelatedField | serializers.SlugRelatedField[Programme]" = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    email_shared = serializers.SerializerMethodField(help_text="Whether this provider can see your e-mail address.")
    replied = serializers.SerializerMethodField()
    messages = MessageSerializer(many=True, read_only=True)

    class Meta:
        model = EnquiryThread
        fields = ["id", "provider", "provider_name", "programmes", "email_shared", "replied", "messages"]

    def get_email_shared(self, thread: EnquiryThread) -> bool:
        return thread.email_shared_at is not None

    def get_replied(self, thread: EnquiryThread) -> bool:
        return thread.provider_replied_at is not None


class LeaderEnquirySerializer(EnquiryFieldsSerializer):
    threads = LeaderThreadSerializer(many=True, read_only=True)

    class Meta(EnquiryFieldsSerializer.Meta):
        fields = [*EnquiryFieldsSerializer.Meta.fields, "threads"]


class EnquiryInputSerializer(serializers.Serializer):
    """The enquiry's fields; the register's rules (up to five providers, dates, five a day) answer
    with field errors. ``shortlist`` or ``programme`` says where it starts: its providers are the ones
    it may go to."""

    need = PlainCharField(multiline=True, allow_blank=True, max_length=10_000)
    phase = serializers.ChoiceField(choices=Phase.choices)
    staff_count = serializers.IntegerField(
        min_value=1,
        max_value=MAX_STAFF,
        error_messages=dict.fromkeys(["min_value", "max_value", "invalid"], STAFF_RULE),
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    providers = serializers.ListField(child=serializers.SlugField(), max_length=100,
                                      help_text="Provider slugs, up to five.")  # fmt: skip
    shortlist = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    programme = serializers.SlugField(required=False)


class ReplyInputSerializer(serializers.Serializer):
    body = PlainCharField(multiline=True, max_length=10_000, allow_blank=True)


class InboxThreadSerializer(serializers.ModelSerializer):
    """A thread as the provider's editors see it: the leader's address only once they shared it."""

    provider: "serializers.SlugRelatedField[Provider]" = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    enquiry = EnquiryFieldsSerializer(read_only=True)
    leader = serializers.SerializerMethodField(help_text="The leader's school (and address, once shared).")
    leader_email = serializers.SerializerMethodField(help_text="Null until the leader shares it with you.")
    status = serializers.SerializerMethodField()

    class Meta:
        model = EnquiryThread
        fields = ["id", "provider", "enquiry", "leader", "leader_email", "status", "last_message_at"]

    def get_leader(self, thread: EnquiryThread) -> str:
        return leader_label(thread)

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_leader_email(self, thread: EnquiryThread):
        return thread.enquiry.leader.email if thread.email_shared_at else None

    @extend_schema_field(serializers.ChoiceField(choices=THREAD_STATUSES))
    def get_status(self, thread: EnquiryThread) -> str:
        return thread_status(thread)


class InboxThreadDetailSerializer(InboxThreadSerializer):
    # many=True: DRF's RelatedField.__new__ returns the ManyRelatedField around the slug field.
    programmes: "serializers.ManyRelatedField | serializers.SlugRelatedField[Programme]" = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    messages = MessageSerializer(many=True, read_only=True)

    class Meta(InboxThreadSerializer.Meta):
        fields = [*InboxThreadSerializer.Meta.fields, "programmes", "messages"]
