from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from feedback.api.serializers import ParticipantRatingField
from feedback.selectors import participant_summary
from programmes import local_authorities
from programmes.models import DESCRIPTION_FIELDS, Programme, ProviderResponse
from programmes.standing import programme_standing
from programmes.vocabulary import DeliveryMode, FocusLevel, Format, FundingRoute, ProgrammeStatus
from providers.api.serializers import ProviderSummarySerializer
from providers.vocabulary import Phase, Region
from qaportal.api.fields import ChoiceSetField, NumberField
from ratings.api.serializers import RatingSummarySerializer


class ProviderResponseSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProviderResponse
        fields = ["text", "published_at"]


class RatingValiditySerializer(serializers.Serializer):
    valid_from = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    expired = serializers.BooleanField(source="is_expired")


class CrosswalkPartSerializer(serializers.Serializer):
    code = serializers.CharField()
    # SerializerMetaclass moves declared fields off the class: this never shadows Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    group = serializers.CharField(required=False)
    met = serializers.BooleanField()


class CrosswalkSerializer(serializers.Serializer):
    dfe_standard = CrosswalkPartSerializer(many=True)
    eef_mechanisms = CrosswalkPartSerializer(many=True)
    eef_groups_met = serializers.ListField(child=serializers.CharField())
    eef_balanced = serializers.BooleanField()


class LocalAuthoritySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The ONS (GSS) code, for example E08000016.")
    name = serializers.CharField()
    # A plain string, not a choice: drf-spectacular would otherwise name a second region enum alike.
    region = serializers.CharField(help_text="The register's region code, for example “london”.")


class ProgrammeSerializer(serializers.ModelSerializer):
    """A programme as the directory lists it."""

    provider = ProviderSummarySerializer(read_only=True)
    focus_level = serializers.ChoiceField(choices=FocusLevel.choices, read_only=True)
    phases = ChoiceSetField(Phase)
    regions = ChoiceSetField(Region)
    format = serializers.ChoiceField(choices=Format.choices, read_only=True)
    delivery_mode = serializers.ChoiceField(choices=DeliveryMode.choices, read_only=True)
    local_authorities = serializers.SerializerMethodField(
        help_text="Where a face-to-face or blended programme is delivered: England's upper-tier local authorities."
    )
    cost_per_participant = NumberField(help_text="Full cost per participant in pounds; 0 if free.")
    funding_routes = ChoiceSetField(FundingRoute)
    status = serializers.ChoiceField(choices=ProgrammeStatus.choices, read_only=True)
    web_url = serializers.SerializerMethodField(help_text="The programme's page on the register.")
    rating = serializers.SerializerMethodField()
    rating_validity = serializers.SerializerMethodField(
        help_text="Until when the rating is valid, and whether it has expired (an expired rating is kept)."
    )

    class Meta:
        model = Programme
        fields = [
            "slug",
            "title",
            "provider",
            *DESCRIPTION_FIELDS,
            "status",
            "published_at",
            "web_url",
            "rating",
            "rating_validity",
        ]

    @extend_schema_field(LocalAuthoritySerializer(many=True))
    def get_local_authorities(self, programme: Programme) -> list:
        # many=True makes a ListSerializer, whose data is a ReturnList; the stubs type it as one serializer's.
        return LocalAuthoritySerializer(local_authorities.named(programme.local_authorities), many=True).data  # type: ignore[return-value]

    def get_web_url(self, programme: Programme) -> str:
        return programme.get_absolute_url()

    @extend_schema_field(RatingValiditySerializer(allow_null=True))
    def get_rating_validity(self, programme: Programme):
        validity = getattr(programme, "validity", None)
        return None if validity is None else RatingValiditySerializer(validity).data

    @extend_schema_field(RatingSummarySerializer(allow_null=True))
    def get_rating(self, programme: Programme):
        rating = getattr(programme, "rating", None)
        return None if rating is None else RatingSummarySerializer(rating).data


class StandingSerializer(serializers.Serializer):
    # A plain string, not a choice: drf-spectacular would otherwise name two "status" enums alike.
    status = serializers.CharField(help_text="“rated”, “not-rated” or “withdrawn”.")
    # SerializerMetaclass moves declared fields off the class: this never shadows Field.label.
    label = serializers.CharField(help_text="What the badge says: the band, “Not yet rated” or “Withdrawn”.")  # type: ignore[assignment]
    statement = serializers.CharField(help_text="One sentence for the public, as on the programme's page.")


class ProgrammeDetailSerializer(ProgrammeSerializer):
    """A programme's own page: everything the directory lists, its outcomes and evidence base, why
    its public standing (rated, not yet rated or withdrawn, worded as on its page) and the provider's
    published response to its rating. The reason recorded for a withdrawal is for the register's own
    use and is not published."""

    provider_response = serializers.SerializerMethodField()
    crosswalk = serializers.SerializerMethodField(
        help_text="For a rated programme, the parts of the DfE Standard (2016) and the EEF mechanisms (2021) "
        "evidenced by criteria it scored Secure or better on, and whether its EEF design is balanced."
    )
    upheld_concerns = serializers.SerializerMethodField(help_text="Public summaries of upheld concerns.")
    under_rereview = serializers.SerializerMethodField(
        help_text="Whether the programme is being reviewed again; its rating stands until the new reviews "
        "are published and replace it."
    )

    @extend_schema_field(serializers.BooleanField())
    def get_under_rereview(self, programme: Programme) -> bool:
        return self._cycle(programme).rereview is not None

    @extend_schema_field(CrosswalkSerializer(allow_null=True))
    def get_crosswalk(self, programme: Programme):
        crosswalk = self._cycle(programme).crosswalk
        return None if crosswalk is None else crosswalk.as_dict()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_upheld_concerns(self, programme: Programme):
        return [concern.public_summary for concern in self._cycle(programme).upheld_concerns]

    def _cycle(self, programme: Programme):
        from reviews.programme_cycle import programme_cycle

        if not hasattr(self, "_cycle_cache"):
            self._cycle_cache = programme_cycle(programme=programme)
        return self._cycle_cache

    participant_rating = serializers.SerializerMethodField(
        help_text="Participant feedback: a separate rating, never mixed into ``rating``."
    )
    standing = serializers.SerializerMethodField()

    class Meta(ProgrammeSerializer.Meta):
        fields = [
            *ProgrammeSerializer.Meta.fields,
            "intended_outcomes",
            "evidence_base",
            "contact_email",
            "booking_url",
            "next_start_on",
            "standing",
            "provider_response",
            "crosswalk",
            "upheld_concerns",
            "under_rereview",
            "participant_rating",
        ]

    @extend_schema_field(ParticipantRatingField())
    def get_participant_rating(self, programme: Programme):
        return ParticipantRatingField().to_representation(participant_summary(programme_id=programme.id))

    @extend_schema_field(StandingSerializer())
    def get_standing(self, programme: Programme):
        standing = programme_standing(programme, getattr(programme, "rating", None))
        return StandingSerializer(standing).data

    @extend_schema_field(ProviderResponseSerializer(allow_null=True))
    def get_provider_response(self, programme: Programme):
        response = getattr(programme, "provider_response", None)
        return None if response is None else ProviderResponseSerializer(response).data
