from rest_framework import serializers

from pool.models import ReviewerApplication
from programmes.vocabulary import FocusLevel
from providers.vocabulary import Phase, Region
from qaportal.api.fields import PlainCharField


class ChoiceSetOut(serializers.ListField):
    """A set of choices as a sorted list of their values."""

    child = serializers.CharField()

    def to_representation(self, data):
        return sorted(data)


class ApplicationInputSerializer(serializers.Serializer):
    current_role = PlainCharField(max_length=200)
    experience = PlainCharField(multiline=True, max_length=5000)
    # min_length documents in the schema (minItems) what allow_empty=False refuses.
    phases = serializers.ListField(
        child=serializers.ChoiceField(choices=Phase.choices), allow_empty=False, min_length=1
    )
    focus_levels = serializers.ListField(
        child=serializers.ChoiceField(choices=FocusLevel.choices), allow_empty=False, min_length=1
    )
    regions = serializers.ListField(child=serializers.ChoiceField(choices=Region.choices), required=False, default=list)
    organisations = PlainCharField(
        multiline=True,
        required=False,
        allow_blank=True,
        default="",
        help_text="One organisation a line; “Name; left 31/7/2024” for one the applicant has left.",
    )


class ApplicationSerializer(serializers.ModelSerializer):
    applicant = serializers.CharField(source="applicant.username", read_only=True)
    phases = ChoiceSetOut(read_only=True)
    focus_levels = ChoiceSetOut(read_only=True)
    regions = ChoiceSetOut(read_only=True)

    class Meta:
        model = ReviewerApplication
        fields = [
            "id",
            "applicant",
            "current_role",
            "experience",
            "phases",
            "focus_levels",
            "regions",
            "organisations",
            "status",
            "decline_reason",
            "created_at",
            "decided_at",
        ]


class DeclineInputSerializer(serializers.Serializer):
    reason = PlainCharField(multiline=True, max_length=2000)


class FigureSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    reviews = serializers.IntegerField(help_text="How many reviews the figure rests on.")


class MeasuresSerializer(serializers.Serializer):
    published_reviews = serializers.IntegerField()
    agreement_alpha = FigureSerializer(source="alpha")
    mean_signed_difference = FigureSerializer(help_text="Above 0: more lenient than co-reviewers; below 0: harsher.")
    score_pairs = serializers.IntegerField()
    returned_share = FigureSerializer()
    median_days_to_submit = FigureSerializer()


class PoolMemberSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    capacity = serializers.IntegerField()
    open_reviews = serializers.IntegerField(help_text="Workload now: assigned, in progress or returned.")
    phases = serializers.ListField(child=serializers.CharField())
    focus_levels = serializers.ListField(child=serializers.CharField())
    expertise_tags = serializers.ListField(child=serializers.CharField())
    needs_recalibration = serializers.BooleanField()
    last_active = serializers.DateTimeField(allow_null=True)
    measures = MeasuresSerializer()


class PickSerializer(serializers.Serializer):
    reviewer = serializers.CharField(source="candidate.username")
    open_reviews_before = serializers.IntegerField(source="load_before")
    capacity = serializers.IntegerField(source="candidate.capacity")
    reasons = serializers.ListField(child=serializers.CharField())


class SuggestionSerializer(serializers.Serializer):
    programme = serializers.CharField(source="programme.slug")
    title = serializers.CharField(source="programme.title")
    needed = serializers.IntegerField()
    assignable = serializers.IntegerField(help_text="Reviewers the eligibility rule allows for this programme.")
    suggested = PickSerializer(source="picks", many=True)
    note = serializers.CharField()


class AssignmentChoiceSerializer(serializers.Serializer):
    programme = serializers.SlugField()
    reviewer = PlainCharField(max_length=150)


class AssignmentsInputSerializer(serializers.Serializer):
    # A ListField rather than many=True: the schema then states the least and most pairs (minItems, maxItems).
    assignments = serializers.ListField(child=AssignmentChoiceSerializer(), min_length=1, max_length=2000)


class AssignmentOutcomeSerializer(serializers.Serializer):
    programme = serializers.CharField(source="programme_title")
    reviewer = serializers.CharField(source="reviewer_username")
    assigned = serializers.BooleanField()
    message = serializers.CharField()
