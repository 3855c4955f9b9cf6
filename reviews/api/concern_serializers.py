"""Concerns over the API: what a client sends to raise one, triage it or answer it, and what it reads."""

from rest_framework import serializers

from programmes.models import Programme
from qaportal.api.fields import PlainCharField
from reviews.concern_forms import MAX_FORM_AGE_SECONDS, MIN_FILL_SECONDS
from reviews.models import Concern, ConcernStatus


class ConcernStampSerializer(serializers.Serializer):
    stamp = serializers.CharField(help_text="Send it back as ``stamp`` when raising a concern without signing in.")
    wait_seconds = serializers.IntegerField(help_text="It is refused if sent back sooner than this.")
    valid_seconds = serializers.IntegerField(help_text="It is refused if sent back later than this.")

    @classmethod
    def fresh(cls, stamp: str) -> dict:
        return cls({"stamp": stamp, "wait_seconds": MIN_FILL_SECONDS, "valid_seconds": MAX_FORM_AGE_SECONDS}).data


class ConcernRaiseSerializer(serializers.Serializer):
    what = PlainCharField(multiline=True, max_length=10000, help_text="The concern: at least 20 characters.")
    evidence = PlainCharField(multiline=True, max_length=10000, required=False, allow_blank=True, default="")
    contact = PlainCharField(
        max_length=254,
        required=False,
        allow_blank=True,
        default="",
        help_text="An e-mail address or phone number. Only the register's convenors see it, never the provider.",
    )
    stamp = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Without signing in: the stamp from GET /api/v1/concerns/stamp/, at least "
        f"{MIN_FILL_SECONDS} seconds old. Not needed with a token.",
    )
    website = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Leave out or empty: a script that fills it is refused."
    )


class ConcernReceiptSerializer(serializers.ModelSerializer):
    """What the person who raised a concern is told: that it arrived, and nothing about others."""

    programme: "serializers.SlugRelatedField[Programme]" = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    status = serializers.ChoiceField(choices=ConcernStatus.choices, read_only=True)

    class Meta:
        model = Concern
        fields = ["id", "programme", "status", "created_at"]


class ConcernSerializer(ConcernReceiptSerializer):
    """A concern as its provider's editors read it: never who raised it or how to reach them."""

    class Meta:
        model = Concern
        fields = [
            "id",
            "programme",
            "status",
            "what",
            "evidence",
            "convenor_note",
            "provider_response",
            "responded_at",
            "public_summary",
            "created_at",
            "triaged_at",
        ]


class ConvenorConcernSerializer(ConcernSerializer):
    """A concern as convenors triage it, with the contact its author gave."""

    class Meta(ConcernSerializer.Meta):
        fields = [*ConcernSerializer.Meta.fields, "contact"]


class DismissInputSerializer(serializers.Serializer):
    reason = PlainCharField(multiline=True, max_length=10000, help_text="Why it is dismissed; in the audit trail.")


class AskProviderInputSerializer(serializers.Serializer):
    question = PlainCharField(multiline=True, max_length=10000, help_text="What the provider should answer.")


class OrderRereviewInputSerializer(serializers.Serializer):
    public_summary = PlainCharField(
        multiline=True, max_length=10000, help_text="What the concern was about, for the programme's public page."
    )


class RespondInputSerializer(serializers.Serializer):
    response = PlainCharField(multiline=True, max_length=10000, help_text="The provider's answer to the convenors.")
