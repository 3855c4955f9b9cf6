"""The stable, documented columns of every exported table, and the tables themselves as rows.

The CSV, the workbook and the PDF all read these definitions; the column page at
/convenor/summaries/columns/ is rendered from them too, so the documentation cannot drift from the files.
Column names never change meaning; new columns are only ever added at the end.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.utils import timezone

from programmes.models import Programme
from programmes.vocabulary import ElementKey, FocusLevel, ProgrammeStatus
from providers.vocabulary import ProviderType
from qaportal.fields import choice_set_field
from ratings.models import band_name
from summaries.selectors import (
    DIMENSION_LABELS,
    FIGURE_TABLES,
    REGION_NOTE,
    Agreement,
    Statistic,
    SummaryTables,
)


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    kind: str = "text"  # text, integer, decimal, percent, date, datetime, boolean


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    note: str
    columns: list[Column]
    rows: list[tuple]


# --- Programmes: one row per programme ------------------------------------------------------
ELEMENT_LABELS = dict(ElementKey.choices)
PROGRAMME_COLUMNS = [
    Column("programme_id", "The register's id of the programme.", "integer"),
    Column("slug", "The programme's address on the register: /programmes/<slug>/."),
    Column("title", "The programme's title."),
    Column("provider", "The provider's name."),
    Column("provider_type", "The provider's type (code, e.g. mat, hub, university)."),
    Column("focus_level", "Whom it is for (code, e.g. middle-leader)."),
    Column("regions", "Regions it is delivered in, separated by semicolons."),
    Column("phases", "School phases it serves, separated by semicolons."),
    Column("status", "draft, submitted, in-review, published or withdrawn."),
    Column("published_at", "When the programme was published on the register (UTC).", "datetime"),
    Column("review_count", "Published reviews behind the rating (empty if never rated).", "integer"),
    Column("band", "The rating band, e.g. Secure, or Not yet rated."),
    Column("band_rank", "1 for the best band; empty while not yet rated.", "integer"),
    Column("shown_score", "The ordering score: the Bayesian average toward the framework-wide prior.", "decimal"),
    Column("raw_mean", "The overall score: the weighted mean of the element scores, which the band reads.", "decimal"),
    *[
        Column(f"score_{key}", f"The {label.lower()} element score: weighted mean of its criteria.", "decimal")
        for key, label in ElementKey.choices
    ],
    Column("max_spread", "Largest gap, in levels, between two reviewers on one criterion.", "integer"),
    Column("rating_computed_at", "When the rating was last computed (UTC).", "datetime"),
]
# The ORM paths of the columns above, in the same order (read by summaries.selectors.programme_rows).
PROGRAMME_FIELDS = [
    "pk",
    "slug",
    "title",
    "provider__name",
    "provider__provider_type",
    "focus_level",
    "regions_mask",
    "phases_mask",
    "status",
    "published_at",
    "rating__review_count",
    "rating__band",
    "rating__band_rank",
    "rating__shown_score",
    "rating__raw_mean",
    *[f"rating__score_{key}" for key in ElementKey.values],
    "rating__max_spread",
    "rating__computed_at",
]
_POSITION = {column.name: position for position, column in enumerate(PROGRAMME_COLUMNS)}
REGIONS_AT, PHASES_AT, BAND_AT, RANK_AT = (_POSITION[name] for name in ("regions", "phases", "band", "band_rank"))
DATETIMES_AT = [position for position, column in enumerate(PROGRAMME_COLUMNS) if column.kind == "datetime"]


@lru_cache(maxsize=4096)
def _labels(field_name: str, mask: int | None) -> str:
    # Regions and phases arrive as raw bitmasks (see programme_rows) and repeat in a few hundred
    # combinations across 200,000 rows: each combination is turned into labels once.
    if not mask:
        return ""
    return "; ".join(choice_set_field(Programme, field_name).values_of(mask).labels())


def programme_row(values: tuple, *, datetimes: Callable[[datetime.datetime | None], object]) -> list:
    """A programme's exported values: sets as labels, datetimes via ``datetimes``, the band filled in."""
    row = list(values)
    row[REGIONS_AT] = _labels("regions", row[REGIONS_AT])
    row[PHASES_AT] = _labels("phases", row[PHASES_AT])
    if row[RANK_AT] is None:
        row[BAND_AT] = band_name(row[BAND_AT])
    for position in DATETIMES_AT:
        row[position] = datetimes(row[position])
    return row


def local_naive(moment: datetime.datetime | None) -> datetime.datetime | None:
    """Spreadsheets have no time zones: the register's local time (Europe/London), to the second."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def utc_iso(moment: datetime.datetime | None) -> str:
    return "" if moment is None else moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- The summary tables ----------------------------------------------------------------------
STATISTIC_NOTE = {
    "element": "Mean and standard deviation of rated programmes' element scores (1–4); n = rated programmes. "
    + REGION_NOTE,
    "criterion": "Mean and standard deviation of published reviewers' scores (1–4); each reviewer's score counts "
    "once; n = scores. " + REGION_NOTE,
}
BAND_COLUMNS = [
    Column("band", "The rating band (best first), then Not yet rated."),
    Column("band_rank", "1 for the best band; empty for Not yet rated.", "integer"),
    Column("programmes", "Programmes in the selection in this band.", "integer"),
    Column("share_percent", "Share of the selection's programmes, in per cent.", "percent"),
]


def statistic_columns(item: str, count: str) -> list[Column]:
    return [
        Column("dimension", "all, provider_type, focus_level or region."),
        Column("group", "The group's code within the dimension (empty for all)."),
        Column("group_label", "The group's name."),
        Column(item, f"The {item}'s code."),
        Column(f"{item}_label", f"The {item}'s name."),
        Column(count, f"Number of {count} behind the figures.", "integer"),
        Column("mean", "Mean score (1–4).", "decimal"),
        Column("sd", "Sample standard deviation (spread); empty with fewer than two.", "decimal"),
    ]


MONTH_COLUMNS = [
    Column("month", "Calendar month (YYYY-MM), in the register's time zone (Europe/London)."),
    Column("reviews_published", "Reviews published in the month.", "integer"),
]
RANKED_COLUMNS = [
    Column("position", "1 = the weakest (or strongest).", "integer"),
    Column("criterion", "The criterion's code."),
    Column("criterion_label", "The criterion's name."),
    Column("scores", "Published review scores behind the mean.", "integer"),
    Column("mean", "Mean score (1–4).", "decimal"),
    Column("sd", "Sample standard deviation.", "decimal"),
]
AGREEMENT_COLUMNS = [
    Column("level", "criterion or element."),
    Column("code", "The criterion's code or the element's key."),
    Column("label", "The criterion's or element's name."),
    Column("alpha", "Krippendorff's alpha (ordinal): 1 = full agreement, 0 = no better than chance.", "decimal"),
    Column(
        "units",
        "Units behind alpha: for a criterion, programmes with two or more published reviews; for an element, "
        "those programmes' criteria of the element, pooled.",
        "integer",
    ),
]
FILTER_COLUMNS = [Column("filter", "The filter."), Column("value", "What it was set to.")]


def _statistic_rows(statistics: Iterable[Statistic]) -> list[tuple]:
    return [
        (stat.dimension, stat.group, stat.group_label, stat.item, stat.item_label, stat.n, stat.mean, stat.sd)
        for stat in statistics
    ]


def _ranked_rows(statistics: list[Statistic]) -> list[tuple]:
    return [
        (position, stat.item, stat.item_label, stat.n, stat.mean, stat.sd)
        for position, stat in enumerate(statistics, start=1)
    ]


def summary_table_list(tables: SummaryTables) -> list[Table]:
    """Every summary table, in the order of the page, the workbook and the report."""
    return [
        Table("filters", "Filters used", "The part of the register these tables cover.", FILTER_COLUMNS,
              list(tables.scope.description)),
        Table("bands", "Programmes by band", "Programmes in the selection, by rating band.", BAND_COLUMNS,
              [(band.band, band.rank, band.programmes, band.share) for band in tables.bands]),
        Table("element_statistics", "Element scores by group", STATISTIC_NOTE["element"],
              statistic_columns("element", "programmes"), _statistic_rows(tables.element_statistics)),
        Table("criterion_statistics", "Criterion scores by group", STATISTIC_NOTE["criterion"],
              statistic_columns("criterion", "scores"), _statistic_rows(tables.criterion_statistics)),
        Table("reviews_by_month", "Reviews published by month", "Published reviews in the selection, by month.",
              MONTH_COLUMNS, [(f"{month.month:%Y-%m}", month.reviews) for month in tables.reviews_by_month]),
        Table("weakest_criteria", "Weakest criteria", "The criteria with the lowest mean over the selection.",
              RANKED_COLUMNS, _ranked_rows(tables.weakest_criteria)),
        Table("strongest_criteria", "Strongest criteria", "The criteria with the highest mean over the selection.",
              RANKED_COLUMNS, _ranked_rows(tables.strongest_criteria)),
        agreement_table(tables.agreement),
    ]  # fmt: skip


TABLE_KEYS = ["programmes", "filters", *FIGURE_TABLES, "reviewer_agreement"]
CODE_VOCABULARIES = {
    "provider_type": ProviderType,
    "focus_level": FocusLevel,
    "status": ProgrammeStatus,
}
DIMENSIONS = DIMENSION_LABELS


AGREEMENT_NOTE = (
    "Krippendorff's alpha (ordinal) between reviewers of the same programme, over the programmes in the "
    "selection with two or more published reviews."
)
AGREEMENT_PENDING = (
    "Reviewer agreement for this selection is being calculated (it can take a minute on the whole "
    "register). Refresh the page to see it."
)


def agreement_table(agreement: Agreement) -> Table:
    if not agreement.available:
        return Table("reviewer_agreement", "Reviewer agreement", AGREEMENT_PENDING, AGREEMENT_COLUMNS, [])
    note = f"{AGREEMENT_NOTE} {agreement.programmes:,} programmes, {agreement.reviews:,} reviews."
    rows = [(row.level, row.code, row.label, row.alpha, row.units) for row in agreement.rows]
    return Table("reviewer_agreement", "Reviewer agreement", note, AGREEMENT_COLUMNS, rows)
