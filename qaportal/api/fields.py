"""Serializer fields for the register's own model fields."""

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.utils.text import capfirst
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from qaportal.text import PlainTextValidator, schema_pattern


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


def inline_choice_field(choices_class, **kwargs) -> serializers.ChoiceField:
    """A choice field whose enum stays inline in the schema instead of becoming a shared named
    enum. drf-spectacular names shared enums after the field ("format", "status") and warns — in
    ``check --deploy`` too — when one name would cover two choice sets (a programme's format and
    an export's); the exports' fields use this so each name keeps one meaning."""

    @extend_schema_field({"type": "string", "allOf": [{"enum": list(choices_class.values)}]})
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices_class.choices, **kwargs)


# Says in the schema what the blank check does: at least one character that is not a space.
NOT_BLANK = RegexValidator(r"\S", message="This field may not be blank.")


class PlainCharField(serializers.CharField):
    """Text from an API client, held to the same rule as the forms: no control characters
    (``multiline=True`` allows line breaks and tabs). The field names itself in the error."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.multiline = multiline
        # The rule below covers null characters and surrogates, naming the field; DRF's own checks would repeat it.
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(validator, ProhibitNullCharactersValidator | ProhibitSurrogateCharactersValidator)
        ]
        if not self.allow_blank:
            self.validators.append(NOT_BLANK)

    def to_internal_value(self, data):
        # DRF would read 12 or true as the text "12" or "True"; the schema says a string, and so do we.
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)

    def run_validators(self, value):
        noun = self.label or capfirst((self.field_name or "this field").replace("_", " "))
        PlainTextValidator(noun, multiline=self.multiline)(value)
        super().run_validators(value)


class PlainCharFieldSchema(OpenApiSerializerFieldExtension):
    """The schema of a ``PlainCharField`` states its rule as a ``pattern`` (no control characters;
    not blank unless blank is allowed), so text valid by the schema is text the register accepts."""

    target_class = PlainCharField

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if not self.target.read_only:
            schema["pattern"] = schema_pattern(multiline=self.target.multiline, not_blank=not self.target.allow_blank)
        return schema
