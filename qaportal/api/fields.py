"""Serializer fields for the register's own model fields."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class ChoiceSetField(serializers.ListField):
    """A ``qaportal.fields.ChoiceSetField`` (regions, phases, funding routes): a list of choice
    values, in the vocabulary's own order, so the same set always reads the same."""

    def __init__(self, choices_class, **kwargs):
        self.choices_class = choices_class
        kwargs.setdefault("read_only", True)
        super().__init__(child=serializers.ChoiceField(choices=choices_class.choices), **kwargs)

    def to_representation(self, data):
        chosen = set(data or ())
        return [member.value for member in self.choices_class if member.value in chosen]


@extend_schema_field(OpenApiTypes.DOUBLE)
class NumberField(serializers.DecimalField):
    """A decimal shown as a JSON number (prices, weights, thresholds), not as a string."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("read_only", True)
        super().__init__(coerce_to_string=False, **kwargs)

    def to_representation(self, value):
        return None if value is None else float(value)
