from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from providers.models import PROFILE_FIELDS, Provider
from providers.vocabulary import Phase, ProviderType, Region
from qaportal.api.fields import ChoiceSetField
from ratings.models import ProviderRating


class ProviderRatingSerializer(serializers.ModelSerializer):
    band_rank = serializers.IntegerField(allow_null=True, read_only=True, help_text="1 for the best band.")
    raw_mean = serializers.FloatField(
        allow_null=True, read_only=True, help_text="The overall score: its rated programmes' mean, by reviews."
    )
    shown_score = serializers.FloatField(allow_null=True, read_only=True, help_text="The ordering score.")

    class Meta:
        model = ProviderRating
        fields = ["band", "band_rank", "raw_mean", "shown_score", "rated_programmes", "review_count", "computed_at"]


class ProviderSummarySerializer(serializers.ModelSerializer):
    """A provider as other resources mention it."""

    provider_type = serializers.ChoiceField(choices=ProviderType.choices, read_only=True)

    class Meta:
        model = Provider
        fields = ["slug", "name", "provider_type"]


class ProviderSerializer(serializers.ModelSerializer):
    provider_type = serializers.ChoiceField(choices=ProviderType.choices, read_only=True)
    regions = ChoiceSetField(Region)
    phases = ChoiceSetField(Phase)
    web_url = serializers.SerializerMethodField(help_text="The provider's page on the register.")
    rating = serializers.SerializerMethodField()

    class Meta:
        model = Provider
        fields = ["slug", *PROFILE_FIELDS, "web_url", "rating"]

    def get_web_url(self, provider: Provider) -> str:
        return provider.get_absolute_url()

    @extend_schema_field(ProviderRatingSerializer(allow_null=True))
    def get_rating(self, provider: Provider):
        rating = getattr(provider, "rating", None)
        return None if rating is None else ProviderRatingSerializer(rating).data
