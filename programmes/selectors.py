"""Reads behind the programme directory, programme pages and the compare page."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from programmes.directory_version import directory_database
from programmes.facets import DirectorySnapshot, popcount, snapshots, unpack
from programmes.filters import SORTS, ConditionFilter, ProgrammeFilter
from programmes.lifecycle import PROGRAMME_PUBLIC
from programmes.models import Programme
from programmes.querystrings import query_without
from programmes.search_query import PREFIX_QUERY_SQL
from programmes.vocabulary import ProgrammeStatus
from providers.models import Provider
from qaportal.errors import found
from reviews.models import Band, Framework, Review, ReviewState

if TYPE_CHECKING:
    from programmes.models import ProgrammeChange

PER_PAGE_CHOICES = (20, 50, 100)
Found = TypeVar("Found")
# Reads one page of results, given the programmes' ids in display order.
Fetch = Callable[[Iterable[int]], list[Any]]


def published_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(status=ProgrammeStatus.PUBLISHED).select_related("provider", "rating", "validity")


def programme_for_public(*, slug: str) -> Programme:
    """A published programme, or one withdrawn after publication (it keeps its page and says so)."""
    programmes = Programme.objects.filter(PROGRAMME_PUBLIC).select_related(
        "provider", "rating", "provider_response", "validity"
    )
    return found(programmes, "No such programme", slug=slug)


def live_framework() -> Framework | None:
    return Framework.objects.filter(is_live=True).first()


def live_bands() -> list[Band]:
    """The live framework's bands, best first (one query)."""
    return list(Band.objects.filter(framework__is_live=True).order_by("rank"))


def programmes_in_order(ids: Iterable[int]) -> list[Programme]:
    """Published programmes with these ids, with provider and rating, in the order given (one query)."""
    return in_order(ids, lambda wanted: published_programmes().in_bulk(wanted))


def in_order(ids: Iterable[int], find: Callable[[list[int]], Mapping[int, Found]]) -> list[Found]:
    """What ``find`` returns (a dict by id) for these ids, in the order given; missing ids dropped."""
    wanted = [int(programme_id) for programme_id in ids]
    found = find(wanted)
    return [found[programme_id] for programme_id in wanted if programme_id in found]


# --- The directory ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool

    @property
    def count_text(self) -> str:
        return f"{self.count:,}"


@dataclass(frozen=True)
class Relaxation:
    """For an empty result: what removing one filter would give."""

    name: str
    label: str
    count: int
    remove_query: str


@dataclass(frozen=True)
class ResultRow:
    """What a directory result shows, read as plain values: building a page of model instances with
    their provider and rating cost three times as much as the query."""

    id: int
    title: str
    slug: str
    focus_level: str
    format: str
    delivery_mode: str
    cost_per_participant: Decimal
    provider_name: str
    provider_type: str
    band: str | None
    band_rank: int | None
    raw_mean: float | None
    review_count: int | None
    rating_expired_at: datetime | None


# One statement, written once: building the ORM query for every page cost more than running it.
RESULT_ROWS_SQL = """
SELECT p.id, p.title, p.slug, p.focus_level, p.format, p.delivery_mode, p.cost_per_participant,
       v.name, v.provider_type, r.band, r.band_rank, r.raw_mean, r.review_count, rv.expired_at
FROM programmes_programme p
JOIN providers_provider v ON v.id = p.provider_id
LEFT JOIN ratings_programmerating r ON r.programme_id = p.id
LEFT JOIN ratings_ratingvalidity rv ON rv.programme_id = p.id
WHERE p.id = ANY(%s) AND p.status = %s
"""


def result_rows(ids: Iterable[int]) -> list[ResultRow]:
    """Published programmes' result rows, in the order given (one query, where the directory reads)."""

    def find(wanted: list[int]) -> dict[int, ResultRow]:
        with connections[directory_database()].cursor() as cursor:
            cursor.execute(RESULT_ROWS_SQL, [wanted, ProgrammeStatus.PUBLISHED.value])
            return {row[0]: ResultRow(*row) for row in cursor.fetchall()}

    return in_order(ids, find)


class OrderedResults:
    """The filtered programmes' positions in display order; slicing fetches only that page's rows
    (``fetch``: programmes with provider and rating by default, or ``result_rows``)."""

    def __init__(self, snapshot: DirectorySnapshot, positions: np.ndarray, fetch: Fetch = programmes_in_order):
        self.snapshot, self.positions, self.fetch = snapshot, positions, fetch

    def __len__(self) -> int:
        return len(self.positions)

    def ids(self, start: int = 0, stop: int | None = None) -> list[int]:
        ids: list[int] = self.snapshot.ids[self.positions[start:stop]].tolist()
        return ids

    def __getitem__(self, window: slice) -> list[Any]:
        return self.fetch(self.ids(window.start or 0, window.stop))


@dataclass
class Directory:
    filterset: ProgrammeFilter
    results: OrderedResults
    page: Page[Any]
    facets: dict[str, list[FacetOption]]
    relaxations: list[Relaxation]
    sort: str
    version: int  # the change version it shows

    @property
    def total(self) -> int:
        return len(self.results)


# Ids and ranks come back packed as binary (big-endian int8 and float4, concatenated): a broad
# term matches most of the register, and parsing that many numbers from text was most of the
# search's time (the figures are in BENCHMARKS.md, "Directory").
# The functions (migration 0004) read the narrow search table through its GIN index.
SEARCH_SQL = f"SELECT programmes_search_published({PREFIX_QUERY_SQL})"
RANKED_SEARCH_SQL = f"SELECT ids, ranks FROM programmes_search_published_ranked({PREFIX_QUERY_SQL})"


def matching_ids(text: str, *, ranked: bool, using: str = DEFAULT_DB_ALIAS) -> np.ndarray:
    """Ids of published programmes matching the search, best match first when ``ranked`` (one query)."""
    return search_matches(text, ranked=ranked, using=using)[0]


def search_matches(text: str, *, ranked: bool, using: str = DEFAULT_DB_ALIAS) -> tuple[np.ndarray, np.ndarray | None]:
    """Ids of published programmes matching the search and, when ``ranked``, their ranks: best match
    first (one query).

    Reads the narrow search table (``PublishedSearchDocument``). Ties in rank go by id, as in the
    API's ordering. The ranks come back unsorted and are ordered here: sorting the matches of a
    broad term in PostgreSQL cost as much as finding them.
    """
    with connections[using].cursor() as cursor:
        if not ranked:
            cursor.execute(SEARCH_SQL, [text])
            return _from_binary(cursor.fetchone()[0], ">i8"), None
        cursor.execute(RANKED_SEARCH_SQL, [text])
        packed_ids, packed_ranks = cursor.fetchone()
    ids, ranks = _from_binary(packed_ids, ">i8"), _from_binary(packed_ranks, ">f4")
    order = np.lexsort((ids, -ranks))
    return ids[order], ranks[order]


# The same match and rank as the search functions (migration 0004), for a few programmes by id.
RECHECK_SQL = f"""
SELECT p.id, coalesce(d.document @@ query, false), coalesce(ts_rank(d.document, query), 0)::float4
FROM (SELECT {PREFIX_QUERY_SQL} AS query) q, programmes_programme p
LEFT JOIN programmes_publishedsearchdocument d ON d.programme_id = p.id
WHERE p.id = ANY(%s) OR p.provider_id = ANY(%s)
"""


def search_rechecked(
    text: str, programme_ids: list[int], provider_ids: list[int], *, using: str = DEFAULT_DB_ALIAS
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of these programmes (and the providers' programmes), the ids and ranks of those that match the
    search now, and every id looked at (index lookups: for bringing a cached search up to date)."""
    with connections[using].cursor() as cursor:
        cursor.execute(RECHECK_SQL, [text, programme_ids, provider_ids])
        rows = cursor.fetchall()
    looked_at = np.array([row[0] for row in rows], dtype=np.int64)
    matches = np.array([row[1] for row in rows], dtype=bool)
    ranks = np.array([row[2] for row in rows], dtype=np.float64)
    return looked_at[matches], ranks[matches], looked_at


def _from_binary(packed: bytes | None, dtype: str) -> np.ndarray:
    native = np.int64 if dtype.endswith("i8") else np.float64
    return np.frombuffer(packed, dtype=dtype).astype(native) if packed else np.empty(0, dtype=native)


def _all_of(masks: Iterable[np.ndarray]) -> np.ndarray | None:
    """The rows (packed) passing every mask; None when there is no mask, meaning every row."""
    combined = None
    for mask in masks:
        combined = mask.copy() if combined is None else np.bitwise_and(combined, mask, out=combined)
    return combined


def _count(plane: np.ndarray, rows: np.ndarray | None) -> int:
    return popcount(plane if rows is None else plane & rows)


def _option_counts(
    filter_: ConditionFilter, snapshot: DirectorySnapshot, rows: np.ndarray | None, values: list[str]
) -> list[int]:
    if filter_.facet_kind in ("choice", "mask"):
        return [_count(snapshot.plane(filter_.snapshot_column(), value), rows) for value in values]
    if filter_.facet_kind == "band":
        return [_count(snapshot.rated_at_least(int(value)), rows) for value in values]
    return [_count(filter_.packed_mask(True, snapshot), rows)]


def facet_counts(
    filter_: ConditionFilter, snapshot: DirectorySnapshot, rows: np.ndarray | None, selected: object
) -> list[FacetOption]:
    """Each option of one facet with how many programmes it would give, the other filters applied."""
    choices = list(filter_.extra.get("choices") or [("1", filter_.label)])
    counts = _option_counts(filter_, snapshot, rows, [value for value, _ in choices])
    chosen = {str(value) for value in selected} if isinstance(selected, list | tuple) else {str(selected)}
    return [
        FacetOption(str(value), str(label), count, str(value) in chosen or (selected is True))
        for (value, label), count in zip(choices, counts, strict=True)
    ]


def programme_directory(
    *,
    params: QueryDict | dict[str, Any],
    page_number: int | str | None = 1,
    per_page: int = 20,
    fetch: Fetch = programmes_in_order,
    snapshot: DirectorySnapshot | None = None,
) -> Directory:
    """The directory for these URL parameters: one page of results (as ``fetch`` reads them), every
    facet's counts and, when nothing matches, what relaxing each filter would give. Besides the
    snapshot's look at the change log, at most two queries: the search (unless cached) and one page
    of rows. ``snapshot``: one the caller already has for this request (``snapshots.current()``)."""
    snapshot = snapshot or snapshots.current()
    filterset = ProgrammeFilter(params, bands=snapshots.live_bands())
    active = filterset.active_filters()
    sort = filterset.sort_name()
    masks = {
        name: filterset.condition_filter(name).packed_mask(value, snapshot)
        for name, value in active.items()
        if name != "q"
    }
    search_positions = None
    if "q" in active:
        search_positions, masks["q"] = _searched(snapshot, str(active["q"]), ranked=sort == "relevance")
    facets = {
        name: facet_counts(filterset.condition_filter(name), snapshot, _all_but(masks, name), active.get(name, []))
        for name in ProgrammeFilter.FACETS
    }
    results = OrderedResults(snapshot, _ordered_rows(snapshot, masks, sort, search_positions), fetch)
    # Paginator only takes len() and one slice; the stubs' protocol also wants int indexing and iteration.
    page: Page[Any] = Paginator(results, per_page).get_page(page_number)  # type: ignore[arg-type]
    relaxations = [] if len(results) else _relaxations(filterset, masks, snapshot.live, params)
    return Directory(filterset, results, page, facets, relaxations, sort, snapshot.seen.version)


def _searched(snapshot: DirectorySnapshot, text: str, *, ranked: bool) -> tuple[np.ndarray, np.ndarray]:
    """The snapshot's rows matching the search, best first, and the same rows as a packed mask."""
    using = directory_database()
    found = snapshots.search_ids(
        text,
        ranked=ranked,
        fetch=lambda: search_matches(text, ranked=ranked, using=using),
        recheck=lambda ids, providers: search_rechecked(text, ids, providers, using=using),
    )
    return snapshot.search_rows(found)


def _all_but(masks: dict[str, np.ndarray], name: str) -> np.ndarray | None:
    return _all_of(mask for other, mask in masks.items() if other != name)


def _ordered_rows(
    snapshot: DirectorySnapshot, masks: dict[str, np.ndarray], sort: str, search_positions: np.ndarray | None
) -> np.ndarray:
    """The matching rows' positions in the snapshot, in the order of the chosen sort."""
    if sort == "relevance" and search_positions is not None:
        order = search_positions
    else:
        order = snapshot.orders[SORTS[sort][2]]
    matching = _all_of(masks.values())
    return order if matching is None else order[unpack(matching, len(snapshot))[order]]


def _relaxations(
    filterset: ProgrammeFilter, masks: dict[str, np.ndarray], size: int, params: Mapping[str, Any]
) -> list[Relaxation]:
    found = []
    for name in masks:
        others = _all_but(masks, name)
        count = size if others is None else popcount(others)
        label = "your search words" if name == "q" else filterset.filters[name].label
        removed = (name, "element", "page") if name == "element_min" else (name, "page")
        found.append(Relaxation(name, str(label), count, query_without(_as_querydict(params), *removed)))
    return sorted(found, key=lambda relaxation: -relaxation.count)


def _as_querydict(params: Mapping[str, Any]) -> QueryDict:
    if isinstance(params, QueryDict):
        return params
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query.setlist(name, value if isinstance(value, list | tuple) else [value])
    return query


def directory_ids(*, params: QueryDict | dict[str, Any]) -> list[int]:
    """Every matching programme's id in display order (for the CSV export)."""
    directory = programme_directory(params=params)
    return directory.results.ids()


def details_updated_since_review(*, programme: Programme) -> "ProgrammeChange | None":
    """When factual details last changed after publication, and which ones; None if they have not."""
    from programmes.models import ProgrammeChange

    if programme.published_at is None:
        return None
    return (
        ProgrammeChange.objects.filter(
            programme=programme, kind=ProgrammeChange.Kind.FACTS, proposed_at__gt=programme.published_at
        )
        .order_by("-proposed_at")
        .first()
    )


def register_counts() -> dict[str, int]:
    """Live headline counts for the home page, cached briefly: at national scale they are full scans."""
    counts: dict[str, int] | None = cache.get("register-counts")
    if counts is None:
        programme_counts = Programme.objects.aggregate(
            published=Count("id", filter=Q(status=ProgrammeStatus.PUBLISHED)),
            rated=Count("id", filter=Q(status=ProgrammeStatus.PUBLISHED, rating__band_rank__isnull=False)),
        )
        counts = {
            "providers": Provider.objects.count(),
            "programmes": programme_counts["published"],
            "rated_programmes": programme_counts["rated"],
            "published_reviews": Review.objects.filter(state=ReviewState.PUBLISHED).count(),
        }
        cache.set("register-counts", counts, 60)
    return counts
