"""URL state of a directory page: the query string without one parameter, and the removable tags."""

from dataclasses import dataclass

from django.http import QueryDict
from django_filters import FilterSet

from programmes.directory_filters import BY_PARAMETER


def query_without(params: QueryDict, *names: str, value: str | None = None) -> str:
    """The query string with the named parameters removed (or only ``value`` of them, if given)."""
    remaining = params.copy()
    for name in names:
        if value is None:
            remaining.pop(name, None)
        else:
            remaining.setlist(name, [kept for kept in remaining.getlist(name) if kept != value])
    return remaining.urlencode()


@dataclass(frozen=True)
class Tag:
    label: str
    remove_query: str


@dataclass(frozen=True)
class TagGroup:
    heading: str
    tags: list[Tag]


def _label_of(filter_, value) -> str:
    return str(dict(filter_.extra.get("choices") or []).get(str(value), value))


def active_tags(params: QueryDict, filterset) -> list[TagGroup]:
    """A group of removable tags for each filter in force (for the MOJ filter's "Selected filters")."""
    groups = []
    first_page = params.copy()
    first_page.pop("page", None)
    for name, value in filterset.active_filters().items():
        filter_ = filterset.filters[name]
        if isinstance(value, list | tuple):
            tags = [Tag(_label_of(filter_, item), query_without(first_page, name, value=item)) for item in value]
        else:
            tags = [Tag(_single_label(name, filter_, value, filterset), _remove(first_page, name))]
        groups.append(TagGroup(str(filter_.label), tags))
    return groups


def _remove(params: QueryDict, name: str) -> str:
    names = (name, "element") if name == "element_min" else (name,)
    return query_without(params, *names)


def _single_label(name: str, filter_, value, filterset: FilterSet) -> str:
    if name == "q":
        return f"“{value}”"
    spec = BY_PARAMETER.get(name)
    if spec is not None and spec.kind == "range":
        return f"{'From' if name.startswith('min_') else 'Up to'} {spec.shown(value)}"
    if name == "element_min":
        element = filterset.filters["element"]
        return f"{_label_of(element, filter_.element())} at least {_label_of(filter_, value)}"
    if name == "min_band":
        return f"At least {_label_of(filter_, value)}"
    return str(filter_.label)


def directory_context(params: QueryDict, directory) -> dict:
    """What every directory page (programmes, providers) shows around its results: the filter form,
    the page of results, the filters chosen as removable tags, and the query to page through."""
    return {
        "directory": directory,
        "form": directory.filterset.form,
        "page": directory.page,
        "tags": active_tags(params, directory.filterset),
        "query_string": query_without(params, "page"),
    }
