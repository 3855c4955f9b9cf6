"""The convenors' summary tables, each computed by SQL aggregates over the filtered register.

Every function takes a ``SummaryScope`` (from ``summaries.filters``) and returns plain dataclasses,
so the web page, the export files and the API all show the same figures from the same queries.

Units, stated once here and again in the output:
- element figures are over *rated programmes*: the mean and standard deviation of the programmes'
  element scores (each a mean of its published reviews), n = rated programmes;
- criterion figures are over *published review scores*: each reviewer's score counts once,
  n = scores;
- "by region" counts a programme (and its scores) once in each region it is delivered in, so the
  regions add up to more than the whole register.
"""

import datetime
import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BigIntegerField, Count, F, Max, QuerySet, Sum
from django.db.models.functions import Cast, TruncMonth

from programmes.models import Programme
from programmes.vocabulary import ElementKey, FocusLevel
from providers.vocabulary import ProviderType, Region
from ratings.agreement import AgreementReport
from ratings.agreement import reviewer_agreement as agreement_report
from ratings.models import ProgrammeRating
from reviews.models import Criterion, CriterionScore, Review, ReviewState
from summaries.filters import SummaryScope, published_in

DIMENSION_LABELS = {
    "all": "Whole selection",
    "provider_type": "Provider type",
    "focus_level": "Focus level",
    "region": "Region",
}
GROUP_LABELS = {
    "all": {"": "All programmes"},
    "provider_type": dict(ProviderType.choices),
    "focus_level": dict(FocusLevel.choices),
    "region": dict(Region.choices),
}
REGION_NOTE = "A programme delivered in several regions counts once in each of them."
# A hash aggregate over millions of criterion scores needs more than the default 4 MB of work memory;
# without it PostgreSQL sorts on disk and the summary takes twice as long.
AGGREGATE_WORK_MEM = "96MB"


@dataclass(frozen=True)
class BandCount:
    band: str
    rank: int | None
    programmes: int
    share: float  # per cent of the programmes in the selection


# A mean or standard deviation as PostgreSQL returns it (numeric or double precision; NULL over no rows).
SqlNumber = float | Decimal | None


@dataclass(frozen=True)
class Statistic:
    dimension: str
    group: str
    group_label: str
    item: str  # element key or criterion code
    item_label: str
    n: int
    mean: float | None
    sd: float | None


@dataclass(frozen=True)
class MonthCount:
    month: datetime.date
    reviews: int


@dataclass(frozen=True)
class AgreementRow:
    level: str  # "criterion" or "element"
    code: str
    label: str
    alpha: float | None
    units: int  # criterion: programmes reviewed twice or more; element: (programme, criterion) pairs pooled


@dataclass(frozen=True)
class Agreement:
    available: bool
    # Being computed by a worker for the page (it takes up to a minute on the national register).
    pending: bool = False
    programmes: int = 0  # programmes in the selection with two or more published reviews
    reviews: int = 0
    rows: list[AgreementRow] = field(default_factory=list)


@dataclass
class SummaryTables:
    scope: SummaryScope
    programme_count: int
    bands: list[BandCount]
    element_statistics: list[Statistic]
    criterion_statistics: list[Statistic]
    reviews_by_month: list[MonthCount]
    weakest_criteria: list[Statistic]
    strongest_criteria: list[Statistic]
    agreement: Agreement = field(default_factory=lambda: Agreement(available=False))

    @property
    def review_count(self) -> int:
        return sum(month.reviews for month in self.reviews_by_month)

    @property
    def rated_count(self) -> int:
        return sum(band.programmes for band in self.bands if band.rank is not None)


def summary_tables(*, scope: SummaryScope, with_agreement: bool = True) -> SummaryTables:
    bands = band_counts(scope=scope)
    criteria = criterion_statistics(scope=scope)
    weakest, strongest = weakest_and_strongest_criteria(criterion_statistics=criteria)
    return SummaryTables(
        scope=scope,
        programme_count=sum(band.programmes for band in bands),
        bands=bands,
        element_statistics=element_statistics(scope=scope),
        criterion_statistics=criteria,
        reviews_by_month=reviews_by_month(scope=scope),
        weakest_criteria=weakest,
        strongest_criteria=strongest,
        agreement=reviewer_agreement(scope=scope) if with_agreement else agreement_table(None),
    )


def cached_summary_tables(
    *, scope: SummaryScope, agreement: Agreement | None = None, key: str | None = None
) -> SummaryTables:
    """The summary tables, reused for a few minutes while the register has not changed.

    On the national register the tables cost several seconds of aggregates; a convenor moving between
    the page, a filter and back should not pay them twice. The key holds the filters and a fingerprint
    of the data (latest published review, their number, latest rating computed), so a publication, a
    withdrawal or a recompute shows at once. Export jobs use it too, so a file holds the figures the
    convenor was looking at when they asked for it.

    Reviewer agreement is cached on its own: it can take a minute on the whole register, longer than a
    web request should wait. A page or an API call passes the ``agreement`` it has (pending or cached,
    from ``summaries.services.summary_tables_or_pending``); without one it is computed here, as an
    export task may. ``key``: the ``summary_cache_key`` the caller has already worked out.
    """
    key = key or summary_cache_key(scope=scope)
    figures = cache.get(key)
    if figures is None:
        tables = summary_tables(scope=scope, with_agreement=False)
        figures = {name: getattr(tables, name) for name in CACHED_FIELDS}
        cache.set(key, figures, SUMMARY_CACHE_SECONDS)
    if agreement is None:
        agreement = agreement_table(cached_agreement_report(scope=scope, compute=True, key=agreement_cache_key(key)))
    return SummaryTables(scope=scope, agreement=agreement, **figures)


def cached_agreement_report(*, scope: SummaryScope, compute: bool, key: str) -> AgreementReport | None:
    """The selection's agreement report from the cache (``key``: its ``agreement_cache_key``);
    computed and cached when missing if ``compute``, else None (``summaries.services`` has it computed)."""
    report: AgreementReport | None = cache.get(key)
    if report is None and compute:
        report = agreement_report(programmes=scope.programmes)
        cache.set(key, report, SUMMARY_CACHE_SECONDS)
    return report


def agreement_cache_key(summary_key: str) -> str:
    """Agreement is cached beside the tables of the same selection and data (``summary_cache_key``)."""
    return f"{summary_key}:agreement"


def summary_cache_key(*, scope: SummaryScope) -> str:
    return "summaries:" + hashlib.sha256(f"{scope.key}|{data_fingerprint()}".encode()).hexdigest()


SUMMARY_CACHE_SECONDS = 600
# The tables of figures a summary holds, by their SummaryTables field: the page, the API and the
# export files show each of them under this key.
FIGURE_TABLES = [
    "bands",
    "element_statistics",
    "criterion_statistics",
    "reviews_by_month",
    "weakest_criteria",
    "strongest_criteria",
]
CACHED_FIELDS = ["programme_count", *FIGURE_TABLES]


def data_fingerprint() -> str:
    reviews = Review.objects.filter(state=ReviewState.PUBLISHED).aggregate(
        latest=Max("published_at"), count=Count("pk")
    )
    ratings = ProgrammeRating.objects.aggregate(latest=Max("computed_at"))
    return f"{reviews['latest']}|{reviews['count']}|{ratings['latest']}"


def band_counts(*, scope: SummaryScope) -> list[BandCount]:
    """Programmes in each band of the framework, best first, then those not yet rated (zeros kept)."""
    by_rank = dict(
        scope.programmes.order_by()
        .values_list("rating__band_rank")
        .annotate(programmes=Count("pk"))
        .values_list("rating__band_rank", "programmes")
    )
    total = sum(by_rank.values())
    bands: list[tuple[str, int | None]] = [(band.name, band.rank) for band in scope.framework.bands.order_by("rank")]
    bands.append((scope.framework.not_rated_label, None))
    return [
        BandCount(band=name, rank=rank, programmes=by_rank.get(rank, 0), share=_share(by_rank.get(rank, 0), total))
        for name, rank in bands
    ]


def _share(part: int, total: int) -> float:
    return round(100 * part / total, 1) if total else 0.0


def element_statistics(*, scope: SummaryScope) -> list[Statistic]:
    """Mean and standard deviation of rated programmes' element scores, by each dimension."""
    rated = (
        scope.programmes.filter(rating__framework=scope.framework, rating__band_rank__isnull=False)
        .order_by()
        .values(**_dimension_columns(""), **{f"s_{key}": F(f"rating__score_{key}") for key in ElementKey.values})
    )
    measures = ", ".join(f"count(s_{key}), avg(s_{key}), stddev_samp(s_{key})" for key in ElementKey.values)
    rows = _rollup(rated, measures)
    labels = dict(ElementKey.choices)
    statistics = []
    for dimension, group, *figures in rows:
        for position, key in enumerate(ElementKey.values):
            n, mean, sd = figures[3 * position : 3 * position + 3]
            statistics.append(_statistic(dimension, group, key, labels[key], n, mean, sd))
    return statistics


def criterion_statistics(*, scope: SummaryScope) -> list[Statistic]:
    """Mean and standard deviation of published review scores per criterion, by each dimension."""
    scores = (
        CriterionScore.objects.filter(
            published_in(scope.reviewed_from, scope.reviewed_to, prefix="review__"),
            score__isnull=False,
            review__state=ReviewState.PUBLISHED,
            review__framework=scope.framework,
            review__programme__in=scope.programmes.order_by().values("pk"),
        )
        .order_by()
        .values(criterion_key=F("criterion_id"), **_dimension_columns("review__programme__"))
        .annotate(n=Count("score"), total=Sum("score"), squares=Sum(F("score") * F("score")))
    )
    measures = (
        "sum(n), sum(total)::float / nullif(sum(n), 0), "
        "CASE WHEN sum(n) > 1 THEN sqrt(greatest((sum(squares) - sum(total)::float * sum(total) / sum(n))"
        " / (sum(n) - 1), 0)) END"
    )
    rows = _rollup(scores, measures, extra_key="criterion_key")
    criteria = {
        criterion.pk: criterion
        for criterion in Criterion.objects.filter(element__framework=scope.framework).select_related("element")
    }
    statistics = [
        _statistic(dimension, group, criteria[criterion_id].code, criteria[criterion_id].title, n, mean, sd)
        for dimension, group, criterion_id, n, mean, sd in rows
    ]
    order = {criterion.code: (criterion.element.position, criterion.position) for criterion in criteria.values()}
    return sorted(statistics, key=lambda stat: (stat.dimension, stat.group, order[stat.item]))


def _dimension_columns(prefix: str) -> dict[str, F]:
    return {
        "ptype": F(f"{prefix}provider__provider_type"),
        "focus": F(f"{prefix}focus_level"),
        "region_mask": F(f"{prefix}regions"),
    }


def _region_values() -> str:
    # Constants from the code (bit positions and slugs), never user input, so inlined safely.
    region_field = Programme._meta.get_field("regions")
    return ", ".join(f"({region_field.bit_of(value)}, '{value}')" for value in Region.values)


def _rollup(grouped_queryset: QuerySet[Any], measures: str, extra_key: str = "") -> list[tuple[Any, ...]]:
    """Group the rows of ``grouped_queryset`` by each dimension in one statement (UNION ALL)."""
    inner_sql, params = grouped_queryset.query.sql_with_params()
    key = f", {extra_key}" if extra_key else ""
    dimensions = [
        ("all", "''", ""),
        ("provider_type", "ptype", ""),
        ("focus_level", "focus", ""),
        (
            "region",
            "region.value",
            f"JOIN (VALUES {_region_values()}) AS region(bit, value) ON (scoped.region_mask & region.bit) <> 0",
        ),
    ]
    parts = []
    for name, group, join in dimensions:
        grouping = [column for column in (group if name != "all" else "", extra_key) if column]
        group_by = f"GROUP BY {', '.join(grouping)}" if grouping else ""
        parts.append(f"SELECT '{name}', {group}{key}, {measures} FROM scoped {join} {group_by}")
    sql = f"WITH scoped AS ({inner_sql}) " + " UNION ALL ".join(parts)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{AGGREGATE_WORK_MEM}'")
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _statistic(
    dimension: str, group: str, item: str, item_label: str, n: int | None, mean: SqlNumber, sd: SqlNumber
) -> Statistic:
    return Statistic(
        dimension=dimension,
        group=group,
        group_label=GROUP_LABELS[dimension].get(group, group),
        item=item,
        item_label=item_label,
        n=int(n or 0),
        mean=None if mean is None else round(float(mean), 3),
        sd=None if sd is None else round(float(sd), 3),
    )


def weakest_and_strongest_criteria(
    *, criterion_statistics: list[Statistic], count: int = 5
) -> tuple[list[Statistic], list[Statistic]]:
    """The criteria with the lowest and highest mean over the whole selection (from the table above)."""
    overall = [stat for stat in criterion_statistics if stat.dimension == "all" and stat.mean is not None]
    ranked = sorted(overall, key=lambda stat: math.inf if stat.mean is None else stat.mean)
    return ranked[:count], list(reversed(ranked[-count:]))


def reviews_by_month(*, scope: SummaryScope) -> list[MonthCount]:
    months = (
        scope.published_reviews()
        # The publish service always stamps the time; a review published by other means (an import,
        # the admin) without one has no month to count in, rather than breaking the summary.
        .filter(published_at__isnull=False)
        .order_by()
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(reviews=Count("pk"))
        .order_by("month")
        .values_list("month", "reviews")
    )
    return [MonthCount(month=month.date(), reviews=reviews) for month, reviews in months]


def reviewer_agreement(*, scope: SummaryScope) -> Agreement:
    """Krippendorff's alpha (ordinal) between reviewers of the selection's programmes, per criterion and
    per element, from the ratings engine's measure (one definition of agreement in the register)."""
    return agreement_table(agreement_report(programmes=scope.programmes))


def agreement_table(report: AgreementReport | None) -> Agreement:
    """The summaries' agreement table of a report; no report means a worker is still computing it."""
    if report is None:
        return Agreement(available=False, pending=True)
    rows = [
        AgreementRow(
            "criterion", score.key, score.name.removeprefix(f"{score.key} "), _rounded(score.alpha), score.units
        )
        for score in report.criteria
    ]
    rows += [
        AgreementRow("element", score.key, score.name, _rounded(score.alpha), score.units) for score in report.elements
    ]
    return Agreement(available=True, programmes=report.programmes, reviews=report.reviews, rows=rows)


def _rounded(alpha: float | None) -> float | None:
    return None if alpha is None else round(alpha, 4)


def programme_rows(*, scope: SummaryScope) -> Iterator[tuple[Any, ...]]:
    """One tuple per programme in the selection (see summaries.exports.tables), streamed from a cursor."""
    from summaries.exports.tables import PROGRAMME_FIELDS

    # The bitmasks as plain integers: turning each into a set of choices row by row costs seconds.
    masks = {f"{name}_mask": Cast(name, BigIntegerField()) for name in ("regions", "phases")}
    return scope.programmes.order_by("pk").annotate(**masks).values_list(*PROGRAMME_FIELDS).iterator(chunk_size=5000)
