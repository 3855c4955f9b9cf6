"""Reads behind the provider directory and provider pages."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from programmes.filters import ConditionFilter
from programmes.lifecycle import PROGRAMME_PUBLIC
from programmes.models import Programme
from programmes.selectors import FacetOption
from providers.filters import PROVIDER_SORTS, ProviderFilter
from providers.models import Provider
from qaportal.errors import found


def provider_list() -> QuerySet[Provider]:
    return Provider.objects.select_related("rating").order_by("name", "id")


@dataclass
class ProviderDirectory:
    filterset: ProviderFilter
    page: Page[Provider]
    facets: dict[str, list[FacetOption]]
    total: int


def _facet_aggregates(filterset: ProviderFilter, conditions: dict[str, Q]) -> dict[str, Count]:
    """One COUNT … FILTER per facet option, each with the other facets' filters applied."""
    aggregates = {"total": Count("id", filter=_all(conditions.values()))}
    for name in ProviderFilter.FACETS:
        others = _all(condition for other, condition in conditions.items() if other != name)
        filter_ = filterset.condition_filter(name)
        for index, (value, _) in enumerate(_options(filter_)):
            option = filter_.condition([value] if filter_.facet_kind in ("choice", "mask") else value)
            aggregates[f"{name}_{index}"] = Count("id", filter=others & option)
    return aggregates


def _all(conditions: Iterable[Q]) -> Q:
    combined = Q(pk__isnull=False)
    for condition in conditions:
        combined &= condition
    return combined


def _options(filter_: ConditionFilter) -> list[tuple[str, str]]:
    return list(filter_.extra.get("choices") or [("true", filter_.label)])


def provider_directory(
    *, params: QueryDict | dict[str, Any], page_number: int | str | None = 1, per_page: int = 20
) -> ProviderDirectory:
    """A page of providers and every facet's counts: two queries (one aggregate pass, one page)."""
    filterset = ProviderFilter(params)
    conditions, active = filterset.conditions(), filterset.active_filters()
    counts = Provider.objects.aggregate(**_facet_aggregates(filterset, conditions))
    facets = {}
    for name in ProviderFilter.FACETS:
        selected = active.get(name, [])
        chosen = {str(value) for value in selected} if isinstance(selected, list) else {str(selected)}
        facets[name] = [
            FacetOption(str(value), str(label), counts[f"{name}_{index}"], str(value) in chosen or selected is True)
            for index, (value, label) in enumerate(_options(filterset.condition_filter(name)))
        ]
    providers = provider_list().filter(_all(conditions.values())).order_by(*PROVIDER_SORTS[filterset.sort_name()][1])
    paginator = Paginator(providers, per_page)
    paginator.count = counts["total"]  # already counted in the facet pass: no second COUNT query
    return ProviderDirectory(filterset, paginator.get_page(page_number), facets, counts["total"])


def provider_for_public(*, slug: str) -> Provider:
    return found(Provider.objects.select_related("rating"), "No such provider", slug=slug)


def provider_programmes(*, provider: Provider) -> QuerySet[Programme]:
    """Its published programmes and those withdrawn after publication, with their ratings, best first (one query)."""
    return (
        provider.programmes.filter(PROGRAMME_PUBLIC)
        .select_related("rating")
        .order_by("status", "rating__band_rank", "title", "id")
    )
