"""Serializer fields for the programmes' own vocabulary."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programmes.vocabulary import ElementKey


def element_key_field(*, used_for: str) -> serializers.CharField:
    """An element's key (purpose, governance, …), read-only.

    drf-spectacular names an enum after the field that holds it, and warns when one choice set
    gets two names (an element's ``key``, an evidence statement's ``element``); ``used_for`` gives
    each use its own enum id, so each keeps its plain name without a warning.
    """

    @extend_schema_field({"type": "string", "enum": list(ElementKey.values), "x-spec-enum-id": f"element-{used_for}"})
    class ElementKeyField(serializers.CharField):
        pass

    return ElementKeyField(read_only=True)
