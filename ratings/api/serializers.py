from rest_framework import serializers

from programmes.vocabulary import ElementKey
from ratings.models import ProgrammeRating


class RatingSummarySerializer(serializers.ModelSerializer):
    """A programme's rating as lists show it: the band, the shown score, and how many reviews."""

    band_rank = serializers.IntegerField(allow_null=True, read_only=True, help_text="1 for the best band.")
    shown_score = serializers.FloatField(
        allow_null=True, read_only=True, help_text="Bayesian average of the published reviews toward the prior."
    )
    raw_mean = serializers.FloatField(allow_null=True, read_only=True, help_text="The published reviews' mean.")

    class Meta:
        model = ProgrammeRating
        fields = ["band", "band_rank", "shown_score", "raw_mean", "review_count"]


class ElementScoresSerializer(serializers.Serializer):
    """The weighted mean of each element's criteria over the published reviews."""

    def get_fields(self):
        return {
            key: serializers.FloatField(allow_null=True, read_only=True, source=f"score_{key}")
            for key in ElementKey.values
        }


class ProgrammeRatingSerializer(RatingSummarySerializer):
    framework_version = serializers.IntegerField(source="framework.version", read_only=True)
    element_scores = ElementScoresSerializer(source="*", read_only=True)

    class Meta(RatingSummarySerializer.Meta):
        fields = [*RatingSummarySerializer.Meta.fields, "framework_version", "element_scores", "computed_at"]
