"""Directory listings through the API: the same selectors and FilterSets as the web pages.

The web directory never refuses a bad parameter (it shows the error beside the field and leaves
the filter out); the API refuses it with 400 and the field's message, so a client never mistakes
an ignored filter for an applied one.
"""

import re

import django_filters
from django import forms
from django.core.paginator import Page
from django.utils.datastructures import MultiValueDict
from django_filters import FilterSet
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from programmes.filters import BAND_RANK, BandRankField
from qaportal.api.pagination import RegisterPagination
from qaportal.api.schema import RegisterAutoSchema


class FacetOptionSerializer(serializers.Serializer):
    value = serializers.CharField()
    # SerializerMetaclass moves declared fields off the class: this never shadows Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField(help_text="Matches if this option were chosen, the other filters applied.")
    selected = serializers.BooleanField()


def refuse_invalid_filters(filterset: FilterSet) -> None:
    errors = {field: [str(message) for message in messages] for field, messages in filterset.form.errors.items()}
    # A checkbox reads any text as ticked; the API says which words it understands.
    for name, filter_ in filterset.filters.items():
        sent = (
            filterset.data.getlist(name) if is_boolean(filter_) and isinstance(filterset.data, MultiValueDict) else []
        )
        if any(value.lower() not in BOOLEAN_VALUES for value in sent):
            errors[name] = ["Send true or false."]
    if errors:
        raise exceptions.ValidationError(errors)


def is_boolean(filter_) -> bool:
    return filter_.field_class is forms.BooleanField or isinstance(filter_, django_filters.BooleanFilter)


def requested_page(request) -> tuple[int, int]:
    """(page number, page size) as the other lists read them: a page that is not a positive whole
    number is a 404; a page size that is not one from 1 to 100 is a 400."""
    paginator = RegisterPagination()
    raw = request.query_params.get(paginator.page_query_param, "1")
    # Only ASCII digits: str.isdigit() also says yes to "²", which int() refuses.
    if not re.fullmatch(r"[0-9]{1,9}", raw) or int(raw) < 1:
        raise exceptions.NotFound("Invalid page.")
    return int(raw), paginator.get_page_size(request)


def refuse_missing_page(page: Page, requested: int) -> None:
    # The web pages' get_page() shows the last page for one past the end; the API says 404.
    if page.number != requested:
        raise exceptions.NotFound("Invalid page.")


def page_links(request, page: Page) -> dict[str, str | None]:
    url = request.build_absolute_uri()
    following = replace_query_param(url, "page", page.next_page_number()) if page.has_next() else None
    if not page.has_previous():
        preceding = None
    elif page.previous_page_number() == 1:
        preceding = remove_query_param(url, "page")
    else:
        preceding = replace_query_param(url, "page", page.previous_page_number())
    return {"next": following, "previous": preceding}


def directory_response(request, directory, *, page_number: int, sort: str, serializer_class) -> Response:
    """One page of a directory (programmes or providers) with its facet counts; a filter value
    that is not valid is a 400 naming the parameter, a page past the end a 404."""
    refuse_invalid_filters(directory.filterset)
    refuse_missing_page(directory.page, page_number)
    return Response(
        {
            "count": directory.total,
            **page_links(request, directory.page),
            "sort": sort,
            "results": serializer_class(directory.page.object_list, many=True).data,
            "facets": facets_data(directory.facets),
        }
    )


def facets_data(facets: dict) -> dict:
    return {
        name: [
            {"value": option.value, "label": option.label, "count": option.count, "selected": option.selected}
            for option in options
        ]
        for name, options in facets.items()
    }


class DirectorySchema(RegisterAutoSchema):
    """The schema of a view that names its FilterSet (``schema_filterset``): its parameters (and,
    for lists, the page ones) are read from it."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        filterset_class = getattr(self.view, "schema_filterset", None)
        if filterset_class is None:
            return parameters
        paginated = getattr(self.view, "pagination_class", None) is not None
        return [*parameters, *filterset_parameters(filterset_class, paginated=paginated)]


def filterset_parameters(filterset_class: type[FilterSet], *, paginated: bool = True) -> list[OpenApiParameter]:
    """The schema's query parameters, read from the FilterSet itself so the two never drift."""
    parameters = [
        OpenApiParameter(name, schema_of(filter_), description=description_of(filter_))
        for name, filter_ in filterset_class.base_filters.items()
    ]
    return [*parameters, *(PAGE_PARAMETERS if paginated else [])]


PAGE_PARAMETERS = [
    OpenApiParameter("page", {"type": "integer", "minimum": 1}, description="A page number (from 1)."),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": RegisterPagination.max_page_size},
        description="Results a page: 20 unless asked, at most 100.",
    ),
]
BOOLEAN_VALUES = {"true", "false", "on", "1", "0"}


def description_of(filter_) -> str:
    label = str(filter_.label or "")
    if isinstance(filter_, django_filters.ModelChoiceFilter):
        return f"{label}: its id. An id that names none (of those the list offers) is answered with 404."
    if filter_.field_class is BandRankField:
        return (
            f"{label}: a band rank, 1 for the best (the live framework's bands are in /api/v1/framework/). "
            "A rank past its worst band stands for the worst band; empty for any."
        )
    if filter_.field_class is forms.DateField:
        return f"{label}: a date, e.g. 2026-07-31 (31/7/2026 is read too); empty for none."
    return label


def schema_of(filter_) -> dict:
    """A filter's parameter schema. A single-valued filter sent empty is not applied (as on the web
    form), so its schema allows the empty string too."""
    if isinstance(filter_, django_filters.ModelChoiceFilter):
        # An id; one that names nothing is answered by the view (see SummaryView).
        return {"type": "string", "pattern": "^[0-9]*$"}
    if filter_.field_class is BandRankField:
        # The live framework's bands change with it, so the schema gives the rule, not the list.
        return {"type": "string", "pattern": f"^({BAND_RANK.pattern})?$"}
    choices = filter_.extra.get("choices") or []
    if callable(choices):
        # Choices read from the database (local authorities), which making the schema must not read.
        return {"type": "array", "items": getattr(filter_, "item_schema", {"type": "string"})}
    choices = [str(value) for value, _ in choices]
    if isinstance(filter_, django_filters.MultipleChoiceFilter):
        return {"type": "array", "items": {"type": "string", "enum": choices}}
    if isinstance(filter_, django_filters.ChoiceFilter):
        return {"type": "string", "enum": ["", *choices]}
    if is_boolean(filter_):
        return {"type": "boolean"}
    if filter_.field_class is forms.DateField:
        # ISO dates as documented; the day-first forms the web page takes are accepted too.
        return {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "enum": [""]}]}
    if filter_.field_class is forms.DecimalField:
        # A range's bound (a cost, a number of weeks), between the least and the most its filter takes.
        least, most = filter_.extra["min_value"], filter_.extra["max_value"]
        return {"type": "number", "minimum": float(least), "maximum": float(most)}
    return {"type": "string", **({"maxLength": filter_.extra["max_length"]} if "max_length" in filter_.extra else {})}
