from rest_framework import serializers

from programmes.api.fields import element_key_field
from ratings.models import ProgrammeRating, RatingHistory


class RatingSummarySerializer(serializers.ModelSerializer):
    """A programme's rating as lists show it: the band, the overall score, and how many reviews."""

    band_rank = serializers.IntegerField(allow_null=True, read_only=True, help_text="1 for the best band.")
    shown_score = serializers.FloatField(
        allow_null=True,
        read_only=True,
        help_text="The ordering score of best-rated lists: the Bayesian average toward the prior (not a headline).",
    )
    raw_mean = serializers.FloatField(
        allow_null=True, read_only=True, help_text="The overall score: the headline figure the band is read from."
    )

    lowest_review_overall = serializers.FloatField(
        allow_null=True,
        read_only=True,
        help_text="The lowest of the published reviews' own overall scores (each review's scores alone, "
        "through the same method): with ``highest_review_overall``, the range shown beside the headline.",
    )
    highest_review_overall = serializers.FloatField(
        allow_null=True, read_only=True, help_text="The highest of the published reviews' own overall scores."
    )

    class Meta:
        model = ProgrammeRating
        fields = [
            "band",
            "band_rank",
            "shown_score",
            "raw_mean",
            "review_count",
            "lowest_review_overall",
            "highest_review_overall",
        ]


class CriterionExplanationSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    weight = serializers.FloatField()
    scores = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        help_text="The published reviews' scores, in ascending order (no reviewer is named).",
    )
    mean = serializers.FloatField(allow_null=True)
    rationales = serializers.ListField(child=serializers.CharField(allow_blank=True), help_text="In the same order.")


class ElementExplanationSerializer(serializers.Serializer):
    key = element_key_field(used_for="explanation")
    name = serializers.CharField()
    weight = serializers.FloatField()
    mean = serializers.FloatField(allow_null=True)
    spread = serializers.IntegerField(help_text="Largest gap, in levels, between two reviewers on one criterion.")
    criteria = CriterionExplanationSerializer(many=True)


# Figures worked out under one version of the framework say which; no docstring, which the schema
# would take for the description of every serializer built on it.
class UnderFrameworkSerializer(serializers.Serializer):
    framework_name = serializers.CharField()
    framework_version = serializers.IntegerField()


def alpha_field() -> serializers.FloatField:
    """Reviewer agreement on one criterion or element, in the register's report and a selection's."""
    return serializers.FloatField(allow_null=True, help_text="Krippendorff's alpha (ordinal); null if undefined.")


class RatingExplanationSerializer(UnderFrameworkSerializer):
    """How a programme's rating was derived, every figure behind it (``ratings.explain``): the
    published reviews' scores per criterion with their rationales, the element means, the
    Bayesian average toward the framework's prior, and the band rule that applied."""

    review_count = serializers.IntegerField()
    raw_mean = serializers.FloatField(allow_null=True)
    prior = serializers.FloatField(allow_null=True, help_text="The framework-wide mean overall score.")
    prior_weight = serializers.FloatField(help_text="m in (n·mean + m·prior) / (n + m).")
    shown_score = serializers.FloatField(allow_null=True, help_text="The ordering score of best-rated lists.")
    band = serializers.CharField()
    band_rule = serializers.CharField(help_text="The rule that gave the band, in words.")
    min_reviews = serializers.IntegerField()
    top_level = serializers.IntegerField(help_text="The rubric's highest level: scores are out of it.")
    max_spread = serializers.IntegerField()
    computed_at = serializers.DateTimeField(allow_null=True)
    elements = ElementExplanationSerializer(many=True)


class RatingHistorySerializer(serializers.ModelSerializer):
    raw_mean = serializers.FloatField(allow_null=True, read_only=True, help_text="The overall score then.")
    shown_score = serializers.FloatField(allow_null=True, read_only=True, help_text="The ordering score then.")

    class Meta:
        model = RatingHistory
        fields = ["computed_at", "band", "raw_mean", "shown_score", "review_count"]


class AgreementScoreSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="A criterion code or an element key.")
    name = serializers.CharField()
    alpha = alpha_field()
    units = serializers.IntegerField()


class AgreementPendingSerializer(serializers.Serializer):
    """Agreement is being computed by a worker (on the whole register it takes up to a minute): ask
    again shortly. Asking again while it is pending does not start it again."""

    pending = serializers.BooleanField(help_text="True: the figures are not ready yet.")
    detail = serializers.CharField()


class AgreementReportSerializer(UnderFrameworkSerializer):
    """Agreement between reviewers over programmes with two or more published reviews."""

    programmes = serializers.IntegerField()
    reviews = serializers.IntegerField()
    criteria = AgreementScoreSerializer(many=True)
    elements = AgreementScoreSerializer(many=True)
