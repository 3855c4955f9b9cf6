from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from feedback.models import FeedbackRound, ParticipantResponse, Question, Questionnaire
from feedback.services import formatted_code
from programmes.models import Programme
from qaportal.api.fields import PlainCharField


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["position", "code", "text"]


class QuestionnaireSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Questionnaire
        fields = ["version", "name", "introduction", "scale_max", "scale_low_label", "scale_high_label",
                  "prior_weight", "min_responses", "published_at", "questions"]  # fmt: skip


class QuestionMeanSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    mean = serializers.FloatField(allow_null=True)


class PublishedCommentSerializer(serializers.ModelSerializer):
    month = serializers.SerializerMethodField(help_text="The month it was given (no finer, so no one is identified).")

    class Meta:
        model = ParticipantResponse
        fields = ["comment", "month"]

    def get_month(self, response: ParticipantResponse) -> str:
        return response.submitted_on.strftime("%Y-%m")


class ParticipantRatingSerializer(serializers.Serializer):
    """Participant feedback: a second rating, separate from the expert one and never mixed into it.
    Scores are null until the questionnaire's minimum number of responses is reached."""

    shown = serializers.BooleanField(source="is_shown", help_text="Whether there are enough responses for a score.")
    shown_score = serializers.FloatField(
        source="rating.shown_score", allow_null=True, help_text="Bayesian average toward the register-wide mean."
    )
    raw_mean = serializers.FloatField(source="rating.raw_mean", allow_null=True)
    prior = serializers.FloatField(source="rating.prior", allow_null=True, help_text="The register-wide mean.")
    prior_weight = serializers.FloatField(source="rating.prior_weight")
    min_responses = serializers.IntegerField(source="rating.min_responses")
    scale_max = serializers.IntegerField(source="rating.scale_max")
    response_count = serializers.IntegerField(source="rating.response_count")
    links_issued = serializers.IntegerField(source="rating.links_issued")
    response_rate = serializers.FloatField(source="rating.response_rate", allow_null=True,
                                           help_text="Responses ÷ links issued.")  # fmt: skip
    solicited_by = serializers.SerializerMethodField(help_text="Who asked the participants: always the provider.")
    questions = QuestionMeanSerializer(source="question_means", many=True)
    comments = PublishedCommentSerializer(many=True, help_text="Comments a convenor approved, newest first.")
    computed_at = serializers.DateTimeField(source="rating.computed_at")

    def get_solicited_by(self, summary) -> str:
        return "provider"


@extend_schema_field(ParticipantRatingSerializer(allow_null=True))
class ParticipantRatingField(serializers.Field):
    """The participant summary for a programme, or null if no feedback has been collected."""

    def to_representation(self, summary):
        return None if summary.rating is None else ParticipantRatingSerializer(summary).data


class RoundInputSerializer(serializers.Serializer):
    cohort_label = PlainCharField(max_length=200)
    cohort_size = serializers.IntegerField()
    closes_on = serializers.DateField()


class RoundSerializer(serializers.ModelSerializer):
    programme: "serializers.SlugRelatedField[Programme]" = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    questionnaire_version = serializers.IntegerField(source="questionnaire.version", read_only=True)
    response_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = FeedbackRound
        fields = ["id", "programme", "cohort_label", "cohort_size", "closes_on", "questionnaire_version",
                  "response_count", "created_at"]  # fmt: skip


class LinkSerializer(serializers.Serializer):
    """A single-use link; whether it was used is never given (it would tell who answered)."""

    code = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_code(self, link) -> str:
        return formatted_code(link.code)

    def get_url(self, link) -> str:
        return self.context["request"].build_absolute_uri(f"/feedback/{link.code}/")


class RoundDetailSerializer(RoundSerializer):
    links = serializers.SerializerMethodField()

    class Meta(RoundSerializer.Meta):
        fields = [*RoundSerializer.Meta.fields, "links"]

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, feedback_round):
        return LinkSerializer(feedback_round.links.order_by("id"), many=True, context=self.context).data


class PendingCommentSerializer(serializers.ModelSerializer):
    programme: "serializers.SlugRelatedField[Programme]" = serializers.SlugRelatedField(
        source="round.programme", slug_field="slug", read_only=True
    )

    class Meta:
        model = ParticipantResponse
        fields = ["id", "programme", "comment", "comment_status", "submitted_on"]


class UnusualRoundSerializer(serializers.Serializer):
    round_id = serializers.IntegerField()
    programme_slug = serializers.CharField()
    cohort_label = serializers.CharField()
    cohort_size = serializers.IntegerField()
    responses = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
