"""The programme directory's filters, each declared once.

An entry says which programme field a filter reads (``path``, for the database condition), the same
value in the snapshot's load SQL (``sql``), and what kind of filter it is. Everything else is derived
from it: the FilterSet's filter and its numpy mask (``programmes.filters``), the snapshot's column,
its bit planes, its place in the load and patch SQL and its type conversion (``programmes.facets``),
the facet counts, the web form's panel (in this list's order), the API's parameters and the parity
test's random data. Adding a filter over an existing column is one entry here.

The search, the rating bands, the element score and the sort are not in this list: each has a rule
of its own (``programmes.filters``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.db.models import Q, TextChoices

from programmes import local_authorities
from programmes.vocabulary import DeliveryMode, FocusLevel, Format, FundingRoute
from providers.vocabulary import Phase, ProviderType, Region
from qaportal.display import money

Kind = Literal["choice", "multi-choice", "list", "range", "boolean"]
# The tables the load SQL reads, by alias: p programmes_programme, v providers_provider (its
# provider), r ratings_programmerating and rv ratings_ratingvalidity (each at most one a programme).


@dataclass(frozen=True)
class DirectoryFilter:
    """One filter. ``choice``: any of the ticked values of a one-valued field; ``multi-choice``: any of
    the ticked values of a set stored as a bitmask; ``list``: any of the chosen codes of an array;
    ``range``: a lower and an upper bound (parameters ``min_<name>`` and ``max_<name>``) on a number
    that is never NULL; ``boolean``: a checkbox that keeps the rows meeting ``ticked``."""

    name: str  # the URL parameter
    label: str
    kind: Kind
    path: str  # the field from Programme, as the ORM spells it ("provider__provider_type")
    sql: str  # the same field in the load SQL (see the aliases above)
    column: str = ""  # the snapshot column; the path's last part unless given
    vocabulary: type[TextChoices] | None = None  # choice and multi-choice: the values
    choices: Callable[[], list[tuple[str, str]]] | None = None  # list: read when a filter set is made
    item_schema: dict | None = None  # list: each code, in the API's schema
    ticked: tuple[Literal["exact", "isnull"], bool | int] = ("exact", True)  # boolean: the lookup on ``path``
    legend: str = ""  # boolean: the web form's fieldset legend
    template: str = ""  # list: the web form's partial (given ``field``), as a list's codes need their own
    scale: int = 1  # range: the snapshot holds whole units of 1/scale (pence: 100), bounds rounded inward
    most: Decimal = Decimal("32767")  # range: the largest bound accepted
    prefix: str = ""  # range: shown before the form's input ("£")
    suffix: str = ""  # range: shown after it ("weeks")
    noun: str = ""  # range: what the bounds are of, in the error when they cross ("cost")
    shown: Callable[[Decimal], str] = str  # range: a bound as the selected-filter tag shows it

    @property
    def snapshot_column(self) -> str:
        return self.column or (self.name if self.kind == "boolean" else self.path.split("__")[-1])

    @property
    def counted(self) -> bool:
        """Whether the directory counts its options (a facet): every kind but lists and ranges."""
        return self.kind in ("choice", "multi-choice", "boolean")

    @property
    def parameters(self) -> list[str]:
        return [f"min_{self.name}", f"max_{self.name}"] if self.kind == "range" else [self.name]

    def when_ticked(self) -> Q:
        lookup, value = self.ticked
        return Q(**{f"{self.path}__{lookup}": value})

    def ticked_sql(self) -> str:
        """``ticked`` as a predicate over ``sql`` (the boolean column the snapshot holds)."""
        lookup, value = self.ticked
        if lookup == "isnull":
            return f"{self.sql} IS {'' if value else 'NOT '}NULL"
        literal = str(value).lower() if isinstance(value, bool) else str(int(value))
        return f"{self.sql} = {literal}"


def _authorities() -> list[tuple[str, str]]:
    return [(authority.code, authority.name) for authority in local_authorities.all_authorities()]


DIRECTORY_FILTERS: list[DirectoryFilter] = [
    DirectoryFilter(
        "rated", "Rated programmes only", "boolean", "rating__band_rank", "r.band_rank", ticked=("isnull", False),
        legend="Rating",
    ),
    DirectoryFilter(
        "hide_expired", "Hide expired ratings", "boolean", "validity__expired_at", "rv.expired_at",
        ticked=("isnull", True), legend="Expiry",
    ),
    DirectoryFilter("focus", "Who it is for", "choice", "focus_level", "p.focus_level", vocabulary=FocusLevel),
    DirectoryFilter("phase", "Phase", "multi-choice", "phases", "p.phases", vocabulary=Phase),
    DirectoryFilter("region", "Region", "multi-choice", "regions", "p.regions", vocabulary=Region),
    DirectoryFilter(
        "la", "Local authority", "list", "local_authorities", "p.local_authorities", choices=_authorities,
        item_schema={"type": "string", "pattern": "^E[0-9]{8}$", "description": "An ONS code, e.g. E08000016"},
        template="directory/_local_authority_select.html",
    ),
    DirectoryFilter("format", "Format", "choice", "format", "p.format", vocabulary=Format),
    DirectoryFilter("mode", "Delivery", "choice", "delivery_mode", "p.delivery_mode", vocabulary=DeliveryMode),
    DirectoryFilter(
        "provider_type", "Provider type", "choice", "provider__provider_type", "v.provider_type",
        vocabulary=ProviderType,
    ),
    DirectoryFilter(
        "free", "Free only", "boolean", "cost_per_participant", "p.cost_per_participant", ticked=("exact", 0),
        legend="Cost",
    ),
    DirectoryFilter(
        "funding", "Funding", "multi-choice", "funding_routes", "p.funding_routes", vocabulary=FundingRoute,
    ),
    DirectoryFilter(
        "cost", "cost per participant (£)", "range", "cost_per_participant", "p.cost_per_participant",
        column="cost_pence", scale=100, most=Decimal("999999.99"), prefix="£", noun="cost",
        shown=lambda value: money(value) if value else "£0",
    ),
]  # fmt: skip
BY_PARAMETER = {parameter: spec for spec in DIRECTORY_FILTERS for parameter in spec.parameters}
