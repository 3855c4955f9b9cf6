"""The provider directory's filters (shared with the API), built from the programme filters' parts."""

from typing import TYPE_CHECKING

import django_filters
from django.db.models import F, OrderBy, Q

from programmes.filters import BitmaskFilter, ChoicesFilter, ConditionFilter, ConditionFilterSet, MinimumBandFilter
from providers.models import Provider
from providers.vocabulary import Phase, ProviderType, Region

if TYPE_CHECKING:
    pass

# name: (label, ORM ordering)
PROVIDER_SORTS: dict[str, tuple[str, list[OrderBy | str]]] = {
    "name": ("A to Z", ["name", "id"]),
    "best": ("Best rated", [F("rating__shown_score").desc(nulls_last=True), "id"]),
    "most-rated": ("Most rated programmes", [F("rating__rated_programmes").desc(nulls_last=True), "id"]),
}


class NameSearchFilter(ConditionFilter, django_filters.CharFilter):
    """Words in the provider's name or description (10,000 rows: a plain match is fast enough)."""

    def is_active(self, value) -> bool:
        return any(character.isalnum() for character in value or "")

    def condition(self, value) -> Q:
        condition = Q()
        for word in value.split():
            condition &= Q(name__icontains=word) | Q(description__icontains=word)
        return condition

    def filter(self, qs, value):
        return ConditionFilter.filter(self, qs, value)


class RatedProvidersFilter(ConditionFilter, django_filters.BooleanFilter):
    facet_kind = "check"

    def __init__(self, *args, **kwargs):
        from django import forms

        kwargs.setdefault("widget", forms.CheckboxInput)
        super().__init__(*args, **kwargs)

    def condition(self, value) -> Q:
        return Q(rating__band_rank__isnull=False)

    def filter(self, qs, value):
        return ConditionFilter.filter(self, qs, value)


class ProviderFilter(ConditionFilterSet):
    q = NameSearchFilter(label="Search providers", max_length=200)
    provider_type = ChoicesFilter(field_name="provider_type", label="Provider type", choices=list(ProviderType.choices))
    region = BitmaskFilter(field_name="regions", label="Region", choices=list(Region.choices))
    phase = BitmaskFilter(field_name="phases", label="Phase", choices=list(Phase.choices))
    min_band = MinimumBandFilter(label="Rating at least", empty_label="Any rating")
    rated = RatedProvidersFilter(label="Rated providers only")
    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=[(key, label) for key, (label, _) in PROVIDER_SORTS.items()], empty_label=None,
        method=lambda qs, name, value: qs,
    )  # fmt: skip

    FACETS = ("provider_type", "region", "phase", "min_band", "rated")

    class Meta:
        model = Provider
        fields: list[str] = []

    BAND_FILTERS = ("min_band",)

    def sort_name(self) -> str:
        chosen = self.valid_data().get("sort")
        return chosen if chosen in PROVIDER_SORTS else "name"

    def filter_queryset(self, queryset):
        for condition in self.conditions().values():
            queryset = queryset.filter(condition)
        return queryset.order_by(*PROVIDER_SORTS[self.sort_name()][1])
