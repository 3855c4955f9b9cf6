"""The programme directory's filters, shared by the web pages and the API.

Each filter states its rule twice, side by side: as a ``Q`` for the database (``condition``) and as
a boolean mask over the in-memory directory snapshot (``mask``, see ``programmes.facets``), which
counts every facet in a few milliseconds. A test checks the two agree on random combinations.
Invalid values never raise: the form reports them and the filter is left out.
"""

import re
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

from programmes import local_authorities
from programmes.facets import pack, unpack
from programmes.models import Programme
from programmes.search_query import PrefixWebSearchQuery, has_search_terms, search_condition
from programmes.vocabulary import DeliveryMode, ElementKey, FocusLevel, Format, FundingRoute
from providers.vocabulary import Phase, ProviderType, Region
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


class ConditionFilter(django_filters.Filter):
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


class ChoicesFilter(ConditionFilter, django_filters.MultipleChoiceFilter):
    """Any of the ticked values of a one-valued field (focus level, format, mode, provider type)."""

    facet_kind = "choice"

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


class WithoutBlankMultipleChoiceField(django_filters.fields.MultipleChoiceField):
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
    """A single checkbox that, when ticked, keeps only the programmes meeting ``when_ticked``."""

    field_class = forms.BooleanField
    facet_kind = "check"

    def __init__(self, *args, when_ticked: Q, mask_of, **kwargs):
        self.when_ticked, self.mask_of = when_ticked, mask_of
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def condition(self, value) -> Q:
        return self.when_ticked

    def mask(self, value, snapshot) -> np.ndarray:
        return self.mask_of(snapshot)


MOST_COST = Decimal("999999.99")  # the largest cost a programme can have (Programme.cost_per_participant)


class CostFilter(ConditionFilter):
    """A cost bound in pounds, from 0 to the largest cost a programme can have. A bound between two
    pence is rounded inward to the pence (costs are whole pence), the same for the database and the
    snapshot (held in pence, so that comparisons are exact)."""

    field_class = forms.DecimalField

    def __init__(self, *args, **kwargs):
        kwargs.update(min_value=Decimal("0"), max_value=MOST_COST, required=False)
        super().__init__(*args, **kwargs)

    def pence(self, value: Decimal) -> int:
        return int((value * 100).to_integral_value(ROUND_CEILING if self.lookup_expr == "gte" else ROUND_FLOOR))

    def condition(self, value) -> Q:
        return Q(**{f"cost_per_participant__{self.lookup_expr}": Decimal(self.pence(value)) / 100})

    def mask(self, value, snapshot) -> np.ndarray:
        cost = snapshot.columns["cost_pence"]
        return cost >= self.pence(value) if self.lookup_expr == "gte" else cost <= self.pence(value)


BAND_RANK = re.compile(r"[1-9][0-9]{0,3}")


class BandRankField(django_filters.fields.ChoiceField):
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


class SortFilter(django_filters.ChoiceFilter):
    """The order of results; applied by the API through ``qs`` and by the snapshot in the web pages."""

    def filter(self, qs, value):
        search = self.parent.form.cleaned_data.get("q")
        name = self.parent.sort_name()
        if name == "relevance" and has_search_terms(search):
            rank = SearchRank(F("search_vector"), PrefixWebSearchQuery(search))
            return qs.annotate(relevance=rank).order_by("-relevance", "id")
        return qs.order_by(*SORTS[name if name != "relevance" else "best"][1])


class DirectoryFilterForm(NamedErrorsMixin, forms.Form):
    def clean(self):
        cleaned = super().clean()
        element, minimum = cleaned.get("element"), cleaned.get("element_min")
        if minimum and not element and "element" not in self.errors:
            self.add_error("element", "Choose the element the minimum applies to")
            cleaned.pop("element_min", None)
        low, high = cleaned.get("min_cost"), cleaned.get("max_cost")
        if low is not None and high is not None and low > high:
            self.add_error("min_cost", f"Minimum cost must not be more than the maximum cost (£{high:,.0f})")
            cleaned.pop("min_cost", None)
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
    focus = ChoicesFilter(
        field_name="focus_level", column="focus_level", label="Who it is for", choices=_choices(FocusLevel)
    )
    phase = BitmaskFilter(field_name="phases", column="phases", label="Phase", choices=_choices(Phase))
    region = BitmaskFilter(field_name="regions", column="regions", label="Region", choices=_choices(Region))
    la = ListFilter(
        field_name="local_authorities",
        column="local_authorities",
        label="Local authority",
        choices=lambda: [(a.code, a.name) for a in local_authorities.all_authorities()],
        item_schema={"type": "string", "pattern": "^E[0-9]{8}$", "description": "An ONS code, e.g. E08000016"},
    )
    provider_type = ChoicesFilter(
        field_name="provider__provider_type",
        column="provider_type",
        label="Provider type",
        choices=_choices(ProviderType),
    )
    format = ChoicesFilter(field_name="format", column="format", label="Format", choices=_choices(Format))
    mode = ChoicesFilter(
        field_name="delivery_mode", column="delivery_mode", label="Delivery", choices=_choices(DeliveryMode)
    )
    funding = BitmaskFilter(
        field_name="funding_routes", column="funding_routes", label="Funding", choices=_choices(FundingRoute)
    )
    free = CheckFilter(
        label="Free only",
        when_ticked=Q(cost_per_participant=0),
        mask_of=lambda snapshot: snapshot.columns["cost_pence"] == 0,
    )
    min_cost = CostFilter(lookup_expr="gte", label="Minimum cost per participant (£)")
    max_cost = CostFilter(lookup_expr="lte", label="Maximum cost per participant (£)")
    min_band = MinimumBandFilter(label="Rating at least", empty_label="Any rating")
    element = django_filters.ChoiceFilter(
        label="Element", choices=_choices(ElementKey), empty_label="Any element", method=lambda qs, name, value: qs
    )
    element_min = ElementMinimumFilter(label="Element score at least", empty_label="Any level")
    rated = CheckFilter(
        label="Rated programmes only",
        when_ticked=Q(rating__band_rank__isnull=False),
        mask_of=lambda snapshot: snapshot.columns["band_rank"] > 0,
    )
    hide_expired = CheckFilter(
        label="Hide expired ratings",
        when_ticked=Q(validity__expired_at__isnull=True),
        mask_of=lambda snapshot: ~snapshot.columns["expired"],
    )
    sort = SortFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _, _) in SORTS.items()],
        empty_label=None,
        required=False,
    )

    FACETS = (
        "focus", "phase", "region", "provider_type", "format", "mode", "funding", "free", "min_band", "rated",
        "hide_expired",
    )  # fmt: skip

    class Meta:
        model = Programme
        form = DirectoryFilterForm
        fields: list[str] = []

    BAND_FILTERS = ("min_band", "element_min")

    @cached_property
    def band_thresholds(self) -> dict[int, Decimal]:
        return {band.rank: band.min_score for band in self.bands}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The local authorities are data: their choices are read when a filter set is made.
        self.filters["la"].extra["choices"] = self.filters["la"].extra["choices"]()

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
