"""The programme directory's filters, shared by the web pages and the API.

Each filter has two forms of its rule: a ``Q`` for the database (``condition``) and a boolean mask
over the in-memory directory snapshot (``mask``, see ``programmes.facets``), which counts every
facet in a few milliseconds. Those of ``programmes.directory_filters`` are made from their one
declaration (``filters_of``); the search, band, element and sort filters are written here. A test
checks the two forms agree on random combinations. Invalid values never raise: the form reports
them and the filter is left out.
"""

import copy
import re
from collections import OrderedDict
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

import django_filters
import numpy as np
from django import forms
from django.contrib.postgres.search import SearchRank
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils.functional import cached_property

from programmes.directory_filters import DIRECTORY_FILTERS, DirectoryFilter
from programmes.facets import pack, unpack
from programmes.models import Programme
from programmes.search_query import PrefixWebSearchQuery, has_search_terms, search_condition
from programmes.vocabulary import ElementKey
from qaportal.forms import NamedErrorsMixin

if TYPE_CHECKING:
    from reviews.models import Band

SORTS = {
    # name: (label, ORM ordering, snapshot order key); every order ends with id so it is stable.
    "relevance": ("Relevance", None, "relevance"),
    "best": ("Best rated", [F("rating__shown_score").desc(nulls_last=True), "id"], "best"),
    "most-reviewed": ("Most reviewed", [Coalesce("rating__review_count", 0).desc(), "id"], "most_reviewed"),
    "newest": ("Newest", [F("published_at").desc(nulls_last=True), "id"], "newest"),
    "cost": ("Lowest cost", ["cost_per_participant", "id"], "cost"),
    "title": ("A to Z", ["title", "id"], "title"),
}


class CopiedForEachFilterSet:
    """A FilterSet deep-copies its filters each time it is made (for each request). A copy changes
    only its own ``extra`` (choices set per request) and which filter set it belongs to; its rule,
    column and declaration are read-only, so a shallow copy with an ``extra`` of its own does,
    without copying every choice list again."""

    extra: dict

    def __deepcopy__(self, memo: dict) -> Any:
        copied = copy.copy(self)
        copied.extra = dict(self.extra)
        copied.__dict__.pop("_field", None)  # the form field is made from the copy's own extra
        return copied


class ConditionFilter(CopiedForEachFilterSet, django_filters.Filter):
    """A filter whose rule is a ``Q`` (database) and a mask (snapshot); empty values filter nothing."""

    facet_kind: str | None = None  # "choice", "mask", "check" or "band": how its options are counted

    def __init__(self, *args, column: str | None = None, **kwargs):
        self.column = column
        super().__init__(*args, **kwargs)

    def snapshot_column(self) -> str:
        """The snapshot column a choice or mask facet counts over, declared with the filter."""
        if self.column is None:
            raise ImproperlyConfigured(f"The {self.field_name} filter names no snapshot column")
        return self.column

    def is_active(self, value) -> bool:
        # Not ``value in (…, False)``: Decimal("0") == False, and "at most £0" is a real filter.
        return value is not None and value is not False and value not in ("", [], ())

    def condition(self, value) -> Q:
        raise NotImplementedError

    def mask(self, value, snapshot) -> np.ndarray:
        raise NotImplementedError

    def packed_mask(self, value, snapshot) -> np.ndarray:
        """The same rows as ``mask``, packed (see programmes.facets.pack), without rows no longer listed."""
        return pack(self.mask(value, snapshot)) & snapshot.alive

    def filter(self, qs: QuerySet, value) -> QuerySet:
        return qs.filter(self.condition(value)) if self.is_active(value) else qs


class SharedChoicesMixin:
    """Django copies each field of a form, its choices included, for every form it makes. The
    directory's choices (vocabularies, bands, local authorities) are never changed by a form, so
    the copies share them: copying them was a tenth of a directory page's time."""

    _choices: Any

    def __deepcopy__(self, memo: dict) -> Any:
        memo[id(self._choices)] = self._choices
        return super().__deepcopy__(memo)  # type: ignore[misc]


class SharedMultipleChoiceField(SharedChoicesMixin, django_filters.fields.MultipleChoiceField):
    pass


class ChoicesFilter(ConditionFilter, django_filters.MultipleChoiceFilter):
    """Any of the ticked values of a one-valued field (focus level, format, mode, provider type)."""

    facet_kind = "choice"
    field_class = SharedMultipleChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(*args, **kwargs)

    def condition(self, value) -> Q:
        return Q(**{f"{self.field_name}__in": list(value)})

    def mask(self, value, snapshot) -> np.ndarray:
        return unpack(self.packed_mask(value, snapshot), len(snapshot))

    def packed_mask(self, value, snapshot) -> np.ndarray:
        return snapshot.any_of(self.column, value)

    def filter(self, qs, value):
        return ConditionFilter.filter(self, qs, value)


class BitmaskFilter(ChoicesFilter):
    """Any of the ticked values of a set stored as a bitmask (phases, regions, funding routes)."""

    facet_kind = "mask"

    def condition(self, value) -> Q:
        return Q(**{f"{self.field_name}__overlaps": list(value)})

    def mask(self, value, snapshot) -> np.ndarray:
        return (snapshot.columns[self.column] & snapshot.bits(self.column, value)) != 0

    def packed_mask(self, value, snapshot) -> np.ndarray:
        return snapshot.any_of(self.column, value)


class WithoutBlankMultipleChoiceField(SharedMultipleChoiceField):
    """Ignores empty values: the directory's select sends ``la=`` for "Any local authority"."""

    def clean(self, value):
        return super().clean([item for item in (value or []) if item])


class ListFilter(ChoicesFilter):
    """Any of the chosen values of a list of codes stored as an array (local authorities); its
    snapshot column has a bit plane per value, as a one-valued column does."""

    field_class = WithoutBlankMultipleChoiceField

    def __init__(self, *args, item_schema: dict | None = None, **kwargs):
        self.item_schema = item_schema or {"type": "string"}  # each value, in the API's schema
        super().__init__(*args, **kwargs)

    def condition(self, value) -> Q:
        return Q(**{f"{self.field_name}__overlap": list(value)})


class CheckFilter(ConditionFilter):
    """A single checkbox that, when ticked, keeps only the programmes meeting ``when_ticked``; its
    snapshot column holds the same predicate, with a plane of the rows meeting it."""

    field_class = forms.BooleanField
    facet_kind = "check"

    def __init__(self, *args, when_ticked: Q, **kwargs):
        self.when_ticked = when_ticked
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def condition(self, value) -> Q:
        return self.when_ticked

    def mask(self, value, snapshot) -> np.ndarray:
        return snapshot.columns[self.snapshot_column()]

    def packed_mask(self, value, snapshot) -> np.ndarray:
        return snapshot.plane(self.snapshot_column(), True)


class RangeFilter(ConditionFilter):
    """One bound of a range (``lookup_expr`` gte or lte), from 0 to the largest the definition allows.
    The snapshot holds whole units of 1/scale (pence), so a bound between two units is rounded
    inward, the same for the database and the snapshot, and comparisons are exact."""

    field_class = forms.DecimalField

    def __init__(self, *args, spec: DirectoryFilter, **kwargs):
        self.spec = spec
        kwargs.update(min_value=Decimal("0"), max_value=spec.most, required=False)
        super().__init__(*args, **kwargs)

    def units(self, value: Decimal) -> int:
        rounding = ROUND_CEILING if self.lookup_expr == "gte" else ROUND_FLOOR
        return int((value * self.spec.scale).to_integral_value(rounding))

    def condition(self, value) -> Q:
        return Q(**{f"{self.field_name}__{self.lookup_expr}": Decimal(self.units(value)) / self.spec.scale})

    def mask(self, value, snapshot) -> np.ndarray:
        held = snapshot.columns[self.snapshot_column()]
        return held >= self.units(value) if self.lookup_expr == "gte" else held <= self.units(value)


def filters_of(spec: DirectoryFilter) -> dict[str, ConditionFilter]:
    """The FilterSet filters (one, or a range's two) of a directory filter's declaration."""
    common = {"field_name": spec.path, "column": spec.snapshot_column}
    if spec.kind == "range":
        return {
            f"min_{spec.name}": RangeFilter(lookup_expr="gte", label=f"Minimum {spec.label}", spec=spec, **common),
            f"max_{spec.name}": RangeFilter(lookup_expr="lte", label=f"Maximum {spec.label}", spec=spec, **common),
        }
    if spec.kind == "boolean":
        return {spec.name: CheckFilter(label=spec.label, when_ticked=spec.when_ticked(), **common)}
    if spec.kind == "list":
        return {spec.name: ListFilter(label=spec.label, choices=spec.choices, item_schema=spec.item_schema, **common)}
    assert spec.vocabulary is not None, f"the {spec.name} filter names no vocabulary"
    kind = ChoicesFilter if spec.kind == "choice" else BitmaskFilter
    return {spec.name: kind(label=spec.label, choices=_choices(spec.vocabulary), **common)}


BAND_RANK = re.compile(r"[1-9][0-9]{0,3}")


class SharedChoiceField(SharedChoicesMixin, django_filters.fields.ChoiceField):
    pass


class BandRankField(SharedChoiceField):
    """A band rank, 1 for the best; its choices are the live framework's bands. A rank past the
    worst band stands for the worst band: "at least band 7" of four bands is every rated programme,
    so a link or a client written for a framework with more bands still asks a sensible question."""

    def clean(self, value):
        ranks = [int(rank) for rank, _ in self.choices if str(rank).isdigit()]
        if isinstance(value, str) and BAND_RANK.fullmatch(value) and ranks and int(value) > max(ranks):
            value = str(max(ranks))
        return super().clean(value)


class MinimumBandFilter(ConditionFilter, django_filters.ChoiceFilter):
    """Rated in this band or a better one (band rank 1 is best); choices are the live framework's bands."""

    facet_kind = "band"
    field_class = BandRankField

    def condition(self, value) -> Q:
        return Q(rating__band_rank__lte=int(value))

    def mask(self, value, snapshot) -> np.ndarray:
        ranks = snapshot.columns["band_rank"]
        return (ranks > 0) & (ranks <= int(value))

    def packed_mask(self, value, snapshot) -> np.ndarray:
        return snapshot.rated_at_least(int(value))

    def filter(self, qs, value):
        return ConditionFilter.filter(self, qs, value)


class ElementMinimumFilter(ConditionFilter, django_filters.ChoiceFilter):
    """With ``element``: that element's mean is at least the chosen band's threshold ("governance at
    least Secure"). Band thresholds come from the live framework, so the words mean one thing."""

    field_class = BandRankField
    parent: "ProgrammeFilter"  # set by the FilterSet that binds this filter

    def threshold(self, value) -> float:
        return float(self.parent.band_thresholds[int(value)])

    def element(self) -> str | None:
        return self.parent.form.cleaned_data.get("element") or None

    def is_active(self, value) -> bool:
        return bool(value) and self.element() is not None

    def condition(self, value) -> Q:
        return Q(**{f"rating__score_{self.element()}__gte": self.threshold(value)})

    def mask(self, value, snapshot) -> np.ndarray:
        scores = snapshot.columns[f"score_{self.element()}"]
        return np.nan_to_num(scores, nan=-1.0) >= self.threshold(value)

    def filter(self, qs, value):
        return ConditionFilter.filter(self, qs, value)


class SearchFilter(ConditionFilter, django_filters.CharFilter):
    def is_active(self, value) -> bool:
        return has_search_terms(value)

    def condition(self, value) -> Q:
        return search_condition(value)

    def filter(self, qs, value):
        return ConditionFilter.filter(self, qs, value)


class SharedChoiceFilter(CopiedForEachFilterSet, django_filters.ChoiceFilter):
    field_class = SharedChoiceField


class SortFilter(SharedChoiceFilter):
    """The order of results; applied by the API through ``qs`` and by the snapshot in the web pages."""

    def filter(self, qs, value):
        search = self.parent.form.cleaned_data.get("q")
        name = self.parent.sort_name()
        if name == "relevance" and has_search_terms(search):
            rank = SearchRank(F("search_vector"), PrefixWebSearchQuery(search))
            return qs.annotate(relevance=rank).order_by("-relevance", "id")
        return qs.order_by(*SORTS[name if name != "relevance" else "best"][1])


class DirectoryFilterForm(NamedErrorsMixin, forms.Form):
    @staticmethod
    def rules_beyond_one_parameter() -> dict[str, str]:
        """Each parameter a request can be refused on though every value fits its own schema, with
        the rule (the API documents them in its 400; ``clean`` and the list filters enforce them)."""
        rules = {"element": "`element_min` is sent without `element`"}
        for spec in DIRECTORY_FILTERS:
            if spec.kind == "range":
                rules[f"min_{spec.name}"] = f"`min_{spec.name}` is more than `max_{spec.name}`"
            elif spec.kind == "list":
                rules[spec.name] = f"`{spec.name}` names a code that is not one of the options (they are data)"
        return rules

    def clean(self):
        cleaned = super().clean()
        element, minimum = cleaned.get("element"), cleaned.get("element_min")
        if minimum and not element and "element" not in self.errors:
            self.add_error("element", "Choose the element the minimum applies to")
            cleaned.pop("element_min", None)
        for spec in DIRECTORY_FILTERS:
            low, high = (cleaned.get(name) for name in spec.parameters) if spec.kind == "range" else (None, None)
            if low is not None and high is not None and low > high:
                shown = f"{spec.prefix}{high:,.0f}{' ' * bool(spec.suffix)}{spec.suffix}"
                message = f"Minimum {spec.noun} must not be more than the maximum {spec.noun} ({shown})"
                self.add_error(f"min_{spec.name}", message)
                cleaned.pop(f"min_{spec.name}", None)
        return cleaned


def _choices(choices_class) -> list[tuple[str, str]]:
    return list(choices_class.choices)


class ConditionFilterSet(django_filters.FilterSet):
    """What the programme and provider directories share: the filters that narrow, their conditions,
    and the live framework's bands as the choices of the ``BAND_FILTERS``."""

    BAND_FILTERS: tuple[str, ...] = ()

    def __init__(
        self,
        data: QueryDict | dict[str, Any] | None = None,
        *args: Any,
        bands: "list[Band] | None" = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, *args, **kwargs)
        from programmes.selectors import live_bands

        self.bands = live_bands() if bands is None else bands
        band_choices = [(str(band.rank), band.name) for band in self.bands]
        for name in self.BAND_FILTERS:
            self.filters[name].extra["choices"] = band_choices

    def valid_data(self) -> dict:
        """The parameters that passed validation (invalid ones are reported and ignored)."""
        self.form.is_valid()
        return self.form.cleaned_data

    def active_filters(self) -> dict[str, object]:
        """name → value of every filter that narrows the results (sort and the bare element excluded)."""
        data = self.valid_data()
        return {
            name: data.get(name)
            for name, filter_ in self.filters.items()
            if isinstance(filter_, ConditionFilter) and filter_.is_active(data.get(name))
        }

    def conditions(self) -> dict[str, Q]:
        return {name: self.condition_filter(name).condition(value) for name, value in self.active_filters().items()}

    def condition_filter(self, name: str) -> ConditionFilter:
        """One of the filters that narrow the results (every one but sort)."""
        filter_ = self.filters[name]
        if not isinstance(filter_, ConditionFilter):
            raise TypeError(f"{name} is not a ConditionFilter")
        return filter_


class ProgrammeFilter(ConditionFilterSet):
    """Filters and sort of the programme directory: the URL's whole state, validated."""

    q = SearchFilter(label="Search programmes", max_length=200)
    # Then every filter of DIRECTORY_FILTERS, in its order (see get_filters).
    min_band = MinimumBandFilter(label="Rating at least", empty_label="Any rating")
    element = SharedChoiceFilter(
        label="Element", choices=_choices(ElementKey), empty_label="Any element", method=lambda qs, name, value: qs
    )
    element_min = ElementMinimumFilter(label="Element score at least", empty_label="Any level")
    sort = SortFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _, _) in SORTS.items()],
        empty_label=None,
        required=False,
    )

    FACETS = ("min_band", *(spec.name for spec in DIRECTORY_FILTERS if spec.counted))

    class Meta:
        model = Programme
        form = DirectoryFilterForm
        fields: list[str] = []

    BAND_FILTERS = ("min_band", "element_min")

    @cached_property
    def band_thresholds(self) -> dict[int, Decimal]:
        return {band.rank: band.min_score for band in self.bands}

    @classmethod
    def get_filters(cls) -> "OrderedDict[str, django_filters.Filter]":
        declared = super().get_filters()
        made = {name: filter_ for spec in DIRECTORY_FILTERS for name, filter_ in filters_of(spec).items()}
        return OrderedDict({"q": declared.pop("q"), **made, **declared})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A list's choices are data (the local authorities): read when a filter set is made.
        for spec in DIRECTORY_FILTERS:
            if spec.kind == "list" and spec.choices is not None:
                self.filters[spec.name].extra["choices"] = spec.choices()

    def sort_name(self) -> str:
        chosen = self.valid_data().get("sort") or ""
        searching = has_search_terms(self.valid_data().get("q"))
        if chosen in SORTS and (chosen != "relevance" or searching):
            return chosen
        return "relevance" if searching else "best"

    def filter_queryset(self, queryset):
        for condition in self.conditions().values():
            queryset = queryset.filter(condition)
        return self.filters["sort"].filter(queryset, None)
