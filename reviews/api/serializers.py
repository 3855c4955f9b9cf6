from rest_framework import serializers

from programmes.api.fields import element_key_field
from programmes.api.serializers import ProgrammeDetailSerializer
from programmes.models import EvidenceStatement, Programme
from programmes.vocabulary import ProgrammeStatus
from providers.api.serializers import ProviderSummarySerializer
from qaportal.api.fields import NumberField, PlainCharField
from reviews.models import (
    Band,
    Criterion,
    CriterionScore,
    Element,
    Framework,
    LevelDescriptor,
    Review,
    ReviewState,
    ScoreLevel,
)


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoreLevel
        fields = ["level", "name", "meaning"]


class BandSerializer(serializers.ModelSerializer):
    min_score = NumberField(help_text="Programmes whose shown score is at least this are in the band.")

    class Meta:
        model = Band
        fields = ["rank", "name", "min_score"]


class DescriptorSerializer(serializers.ModelSerializer):
    class Meta:
        model = LevelDescriptor
        fields = ["level", "descriptor"]


# An element and a criterion alike: the weight the rating multiplies by, as a JSON number. No
# docstring, which the schema would take for the description of both.
class WeightedPartSerializer(serializers.ModelSerializer):
    weight = NumberField()


class CriterionSerializer(WeightedPartSerializer):
    descriptors = DescriptorSerializer(many=True, read_only=True)

    class Meta:
        model = Criterion
        fields = ["id", "code", "title", "guidance", "weight", "position", "descriptors"]


class ElementSerializer(WeightedPartSerializer):
    key = element_key_field(used_for="framework")
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Element
        fields = ["key", "code", "name", "question", "weight", "position", "criteria"]


class FrameworkSettingsSerializer(serializers.ModelSerializer):
    prior_weight = NumberField(help_text="m in the Bayesian average (n·mean + m·prior) / (n + m).")
    calibration_pass_alpha = NumberField(help_text="The ordinal alpha with the reference that passes calibration.")

    class Meta:
        model = Framework
        fields = [
            "prior_weight",
            "min_reviews",
            "disagreement_levels",
            "not_rated_label",
            "validity_months",
            "calibration_pass_alpha",
            "requires_recalibration",
        ]


class FrameworkSerializer(serializers.ModelSerializer):
    settings = FrameworkSettingsSerializer(source="*", read_only=True)
    levels = LevelSerializer(many=True, read_only=True)
    bands = BandSerializer(many=True, read_only=True)
    elements = ElementSerializer(many=True, read_only=True)

    class Meta:
        model = Framework
        fields = ["name", "version", "published_at", "description", "settings", "levels", "bands", "elements"]


class ReviewProgrammeSerializer(serializers.ModelSerializer):
    provider = ProviderSummarySerializer(read_only=True)
    status = serializers.ChoiceField(choices=ProgrammeStatus.choices, read_only=True)

    class Meta:
        model = Programme
        fields = ["slug", "title", "status", "provider"]


class AssignmentSerializer(serializers.ModelSerializer):
    """One of the signed-in reviewer's reviews, as their list of assignments shows it."""

    programme = ReviewProgrammeSerializer(read_only=True)
    state = serializers.ChoiceField(choices=ReviewState.choices, read_only=True)
    scored = serializers.IntegerField(read_only=True, help_text="Criteria scored so far.")

    class Meta:
        model = Review
        fields = ["id", "programme", "state", "scored", "assigned_at", "submitted_at"]


class ScoreSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.code", read_only=True)
    score = serializers.IntegerField(allow_null=True, read_only=True, min_value=1, max_value=4)

    class Meta:
        model = CriterionScore
        fields = ["criterion", "score", "rationale"]


class ReviewSerializer(serializers.ModelSerializer):
    """A review with its scores. Only its reviewer and the convenors ever see one."""

    programme = ReviewProgrammeSerializer(read_only=True)
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)
    state = serializers.ChoiceField(choices=ReviewState.choices, read_only=True)
    framework_version = serializers.IntegerField(source="framework.version", read_only=True)
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "programme",
            "reviewer",
            "state",
            "framework_version",
            "overall_comment",
            "no_conflict_confirmed",
            "conflict_note",
            "return_comment",
            "assigned_at",
            "submitted_at",
            "published_at",
            "scores",
        ]


class ScoreInputSerializer(serializers.Serializer):
    score = serializers.IntegerField(
        allow_null=True,
        min_value=1,
        help_text="A level of the review's framework (1 to its top level), or null while undecided.",
    )
    rationale = PlainCharField(multiline=True, allow_blank=True, max_length=10000, default="", trim_whitespace=False)


class ReviewInputSerializer(serializers.Serializer):
    """What a reviewer sends to save a draft or submit. Criteria left out keep what was saved;
    fields left out keep their saved values."""

    scores = serializers.DictField(
        child=ScoreInputSerializer(),
        required=False,
        help_text="Keyed by criterion code (P1, G2, …) of the review's framework.",
    )
    overall_comment = PlainCharField(multiline=True, allow_blank=True, max_length=20000, required=False)
    no_conflict_confirmed = serializers.BooleanField(required=False)


class ConflictInputSerializer(serializers.Serializer):
    conflict_note = PlainCharField(multiline=True, max_length=5000, help_text="The conflict of interest, described.")


class EvidenceStatementSerializer(serializers.ModelSerializer):
    element = element_key_field(used_for="evidence")
    links = serializers.ListField(child=serializers.CharField(), source="link_list", read_only=True)

    class Meta:
        model = EvidenceStatement
        fields = ["element", "statement", "links", "updated_at"]


class PortfolioSerializer(serializers.Serializer):
    """The programme under review and its evidence portfolio: one statement per element."""

    programme = ProgrammeDetailSerializer(read_only=True)
    evidence = EvidenceStatementSerializer(many=True, read_only=True)


class AssignInputSerializer(serializers.Serializer):
    reviewer = PlainCharField(max_length=150, help_text="The reviewer's username.")


class ReturnInputSerializer(serializers.Serializer):
    comment = PlainCharField(multiline=True, max_length=10000, help_text="What the reviewer should change.")


class ReasonInputSerializer(serializers.Serializer):
    reason = PlainCharField(multiline=True, max_length=10000, help_text="Why; recorded in the audit trail.")


class ReviewCountsSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            state.value: serializers.IntegerField(source=f"reviews_{state.name.lower()}", read_only=True)
            for state in ReviewState
        }


class QueueEntrySerializer(serializers.ModelSerializer):
    """A programme in the convenors' queue, with its reviews counted by state."""

    provider = ProviderSummarySerializer(read_only=True)
    status = serializers.ChoiceField(choices=ProgrammeStatus.choices, read_only=True)
    reviews = ReviewCountsSerializer(source="*", read_only=True)

    class Meta:
        model = Programme
        fields = ["slug", "title", "status", "provider", "submitted_at", "reviews"]
