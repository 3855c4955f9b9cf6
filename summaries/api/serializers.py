from django_filters import MultipleChoiceFilter
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from programmes.api.directory import schema_of
from qaportal.api.fields import inline_choice_field
from ratings.api.serializers import alpha_field
from summaries.filters import SummaryFilterSet
from summaries.models import ExportFormat, ExportJob, ExportStatus


class BandCountSerializer(serializers.Serializer):
    band = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True, help_text="1 for the best band; null for not yet rated.")
    programmes = serializers.IntegerField()
    share = serializers.FloatField(help_text="Per cent of the programmes in the selection.")


class StatisticSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(choices=["all", "provider_type", "focus_level", "region"])
    group = serializers.CharField()
    group_label = serializers.CharField()
    item = serializers.CharField(help_text="An element key or a criterion code.")
    item_label = serializers.CharField()
    n = serializers.IntegerField(help_text="Rated programmes (elements) or published scores (criteria).")
    mean = serializers.FloatField(allow_null=True)
    sd = serializers.FloatField(allow_null=True)


class MonthCountSerializer(serializers.Serializer):
    month = serializers.DateField()
    reviews = serializers.IntegerField()


class AgreementRowSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["criterion", "element"])
    code = serializers.CharField()
    # SerializerMetaclass moves declared fields off the class: this never shadows Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    alpha = alpha_field()
    units = serializers.IntegerField(
        help_text="Criterion: programmes reviewed twice or more; element: (programme, criterion) pairs pooled."
    )


class AgreementSerializer(serializers.Serializer):
    available = serializers.BooleanField()
    pending = serializers.BooleanField(
        help_text="Being computed by a worker (no rows yet): ask again in a minute; asking does not start it again."
    )
    programmes = serializers.IntegerField(help_text="Programmes in the selection with two or more published reviews.")
    reviews = serializers.IntegerField()
    rows = AgreementRowSerializer(many=True)


class SummarySerializer(serializers.Serializer):
    """The convenors' summary tables for the filtered part of the register (the same figures as
    the summaries page and the export files)."""

    filters = serializers.SerializerMethodField()
    programme_count = serializers.IntegerField()
    rated_count = serializers.IntegerField()
    review_count = serializers.IntegerField()
    bands = BandCountSerializer(many=True)
    element_statistics = StatisticSerializer(many=True)
    criterion_statistics = StatisticSerializer(many=True)
    reviews_by_month = MonthCountSerializer(many=True)
    weakest_criteria = StatisticSerializer(many=True)
    strongest_criteria = StatisticSerializer(many=True)
    agreement = AgreementSerializer()

    def get_filters(self, tables) -> list[dict[str, str]]:
        # The return annotation is the schema drf-spectacular shows for this field.
        return [{"label": str(label), "value": str(value)} for label, value in tables.scope.description]


class TextOnlyField(serializers.CharField):
    """A filter value: text, as in a query string; a number or a boolean is refused, not converted."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


MOST_VALUES = 20


class ExportFiltersField(serializers.DictField):
    """The summary filters of an export, each a list of values; a filter that takes one value
    (the framework, a date) takes a list of one."""

    def __init__(self, **kwargs):
        # An empty value is no value, as in the summaries' query string (and as documented).
        child = serializers.ListField(child=TextOnlyField(max_length=100, allow_blank=True))
        super().__init__(child=child, **kwargs)

    def to_internal_value(self, data):
        filters = super().to_internal_value(data)
        filterset_filters = SummaryFilterSet.base_filters
        unknown = sorted(set(filters) - set(filterset_filters))
        if unknown:
            raise serializers.ValidationError(f"Unknown filter: {', '.join(unknown)}.")
        for name, values in filters.items():
            most = MOST_VALUES if isinstance(filterset_filters[name], MultipleChoiceFilter) else 1
            if len(values) > most:
                raise serializers.ValidationError({name: [f"Send at most {most} value{'s' if most > 1 else ''}."]})
        return filters


class ExportFiltersSchema(OpenApiSerializerFieldExtension):
    """The filters' schema, read from the summaries FilterSet as the query parameters are: each
    filter's values, as a list, and no other names."""

    target_class = ExportFiltersField

    def map_serializer_field(self, auto_schema, direction):
        properties = {}
        for name, filter_ in SummaryFilterSet.base_filters.items():
            values = schema_of(filter_)
            if values.get("type") == "array":
                properties[name] = {**values, "maxItems": MOST_VALUES}
            else:
                properties[name] = {"type": "array", "items": values, "maxItems": 1}
        return {"type": "object", "properties": properties, "additionalProperties": False}


class ExportStartSerializer(serializers.Serializer):
    format = inline_choice_field(ExportFormat)
    filters = ExportFiltersField(
        required=False,
        default=dict,
        help_text='The summary filters, each a list of values, e.g. {"region": ["london"], '
        '"reviewed_from": ["2026-01-01"]}; the same names and values as the summaries query parameters.',
    )


class ExportJobSerializer(serializers.ModelSerializer):
    format = inline_choice_field(ExportFormat, read_only=True)
    status = inline_choice_field(ExportStatus, read_only=True)
    filters = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), read_only=True)
    download_url = serializers.SerializerMethodField(help_text="Where to fetch the file once it is ready.")

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "format",
            "filters",
            "status",
            "progress",
            "progress_note",
            "file_size",
            "created_at",
            "finished_at",
            "expires_at",
            "download_url",
        ]

    def get_download_url(self, job: ExportJob) -> str | None:
        return self.context["download_url"](job)
