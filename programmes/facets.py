"""The directory snapshot: every published programme's filterable columns, held in memory as arrays.

Why: counting every facet option "with the other filters applied" over a broad result set is a
conditional aggregate per option per row. On the national data (160,000 published programmes)
one PostgreSQL pass computing the ~50 counts took 450–600 ms on the 2-core machine, and the joins
to providers and ratings alone 200–350 ms (figures in BENCHMARKS.md). The same counts over
numpy arrays take a few milliseconds, and so does ordering and paging the filtered set, leaving
PostgreSQL the work it is good at: the full-text match (GIN index) and fetching one page of rows
by primary key.

Freshness: a process keeps its snapshot while the database's fingerprint is unchanged. The
fingerprint is the number of rows inserted, updated and deleted so far in the three tables the
snapshot reads (programmes, providers, programme ratings), from PostgreSQL's statistics views
(the cumulative view plus the current transaction's own view), and their highest ids. Any write
to those tables, by the ORM, raw SQL or the ratings engine's set-based recompute, changes it; the
cumulative statistics are flushed by each writing backend within about a second, so a new rating
reaches the facet counts within seconds, as the result rows do at once. Off PostgreSQL (the
embedded demo) the snapshot is rebuilt for every request. ``DIRECTORY_SNAPSHOT_REUSE = False``
rebuilds it for every request everywhere (tests that share one process across many data sets).
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection

from programmes.models import Programme
from programmes.vocabulary import DeliveryMode, ElementKey, FocusLevel, Format, ProgrammeStatus
from providers.vocabulary import ProviderType
from qaportal.fields import choice_set_field

CODED_COLUMNS = {
    # snapshot column: (ORM path, vocabulary); stored as the value's position in the vocabulary.
    "focus_level": ("focus_level", FocusLevel),
    "format": ("format", Format),
    "delivery_mode": ("delivery_mode", DeliveryMode),
    "provider_type": ("provider__provider_type", ProviderType),
}
MASK_COLUMNS = {"phases": "phases", "regions": "regions", "funding_routes": "funding_routes"}
# snapshot column: ORM path of an array of codes; loaded as comma-joined text, one bit plane per code.
LIST_COLUMNS = {"local_authorities": "local_authorities"}
ELEMENT_COLUMNS = [f"score_{key}" for key in ElementKey.values]

# Rows inserted, updated and deleted so far per table: the cumulative counters plus the current
# transaction's own (read through the statistics functions directly: 0.1 ms, against 3–6 ms for
# the pg_stat_user_tables view), then the highest programme and provider ids.
FINGERPRINT_SQL = """
SELECT array_agg(pg_stat_get_tuples_inserted(t) + pg_stat_get_tuples_updated(t) + pg_stat_get_tuples_deleted(t)
                 + pg_stat_get_xact_tuples_inserted(t) + pg_stat_get_xact_tuples_updated(t)
                 + pg_stat_get_xact_tuples_deleted(t) ORDER BY n),
       (SELECT max(id) FROM programmes_programme), (SELECT max(id) FROM providers_provider),
       (SELECT id FROM reviews_framework WHERE is_live)
FROM unnest(%(tables)s::regclass[]) WITH ORDINALITY AS tables(t, n)
"""
SEARCH_ROWS_KEPT = 32  # searches whose row positions a snapshot keeps (≤ 0.5 MB each)
SNAPSHOT_TABLES = ["programmes_programme", "providers_provider", "ratings_programmerating", "ratings_ratingvalidity"]


def pack(mask: np.ndarray) -> np.ndarray:
    """A boolean row mask as 64-bit words: ANDs and counts over 160,000 rows then take microseconds."""
    packed = np.packbits(mask)
    words = np.zeros(-(-len(packed) // 8) * 8, dtype=np.uint8)
    words[: len(packed)] = packed
    return words.view(np.uint64)


def unpack(words: np.ndarray, size: int) -> np.ndarray:
    return np.unpackbits(words.view(np.uint8), count=size).view(bool)


def popcount(words: np.ndarray) -> int:
    return int(np.bitwise_count(words).sum())


def list_planes(column: str, texts: np.ndarray) -> dict[tuple, np.ndarray]:
    """A packed bit plane per code of a list column (each row's codes as comma-joined text), built
    from one flat array of (row, code) pairs rather than a pass over the rows per code."""
    counts = np.fromiter((text.count(",") + 1 if text else 0 for text in texts), dtype=np.int64, count=len(texts))
    if not counts.any():
        return {}
    codes = np.array(",".join(text for text in texts if text).split(","))
    rows = np.repeat(np.arange(len(texts)), counts)
    order = np.argsort(codes, kind="stable")
    values, starts = np.unique(codes[order], return_index=True)
    planes = {}
    for value, members in zip(values, np.split(rows[order], starts[1:]), strict=True):
        mask = np.zeros(len(texts), dtype=bool)
        mask[members] = True
        planes[column, str(value)] = pack(mask)
    return planes


@dataclass
class DirectorySnapshot:
    """Published programmes in A–Z order (title, id); one array per filterable or sortable column,
    and for every facet option a packed bit plane of the rows that have it."""

    columns: dict[str, np.ndarray]
    orders: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ids = self.columns["id"]
        self.planes: dict[tuple, np.ndarray] = {}
        for column, (_, vocabulary) in CODED_COLUMNS.items():
            for position, value in enumerate(vocabulary.values):
                self.planes[column, value] = pack(self.columns[column] == position)
        for column in MASK_COLUMNS:
            for value, bit in self._bits_of(column).items():
                self.planes[column, value] = pack((self.columns[column] & bit) != 0)
        for column in LIST_COLUMNS:
            self.planes.update(list_planes(column, self.columns[column]))
        ranks = self.columns["band_rank"]
        self.worst_rank = max(int(ranks.max(initial=0)), 1)
        for rank in range(1, self.worst_rank + 1):
            self.planes["band_rank", rank] = pack((ranks > 0) & (ranks <= rank))
        self.by_id = np.argsort(self.ids, kind="stable")
        self._search_rows: list[tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]] = []
        self._search_rows_lock = threading.Lock()
        self.orders = {
            "title": np.arange(len(self.ids)),
            "best": np.lexsort((self.ids, -np.nan_to_num(self.columns["shown_score"], nan=-np.inf))),
            "most_reviewed": np.lexsort((self.ids, -self.columns["review_count"])),
            "newest": np.lexsort((self.ids, -self.columns["published_at"])),
            "cost": np.lexsort((self.ids, self.columns["cost_pence"])),
        }

    def __len__(self) -> int:
        return len(self.ids)

    def codes(self, column: str, values) -> list[int]:
        vocabulary = CODED_COLUMNS[column][1].values
        return [vocabulary.index(value) for value in values if value in vocabulary]

    @staticmethod
    def _bits_of(column: str) -> dict[str, int]:
        field_ = choice_set_field(Programme, MASK_COLUMNS[column])
        return {member.value: 1 << position for position, member in enumerate(field_.choices_class)}

    def plane(self, column: str, value) -> np.ndarray:
        """The packed rows having this value; all zeros for a value the snapshot has never seen."""
        found = self.planes.get((column, value))
        return found if found is not None else np.zeros(-(-len(self.ids) // 64), dtype=np.uint64)

    def rated_at_least(self, rank: int) -> np.ndarray:
        """Rows rated in band ``rank`` or better (every rated row once ``rank`` passes the worst seen)."""
        return self.plane("band_rank", min(rank, self.worst_rank)) if rank >= 1 else self.plane("band_rank", 0)

    def any_of(self, column: str, values) -> np.ndarray:
        combined = np.zeros(-(-len(self.ids) // 64), dtype=np.uint64)
        for value in values:
            combined |= self.plane(column, value)
        return combined

    def bits(self, column: str, values) -> int:
        return choice_set_field(Programme, MASK_COLUMNS[column]).mask_of(values)

    def search_rows(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A search's matching ids as row positions (in the ids' order) and as a packed row mask.

        Kept for the last few searches, per snapshot and per ids array (the search cache hands
        out the same array until programmes change): placing a broad term's ~60,000 ids cost
        ~4 ms on every request for it.
        """
        with self._search_rows_lock:
            for index, (known_ids, rows) in enumerate(self._search_rows):
                if known_ids is ids:
                    self._search_rows.append(self._search_rows.pop(index))
                    return rows
        positions = self.positions_of(ids)
        matched = np.zeros(len(self), dtype=bool)
        matched[positions] = True
        rows = (positions, pack(matched))
        with self._search_rows_lock:
            self._search_rows = [*self._search_rows[-(SEARCH_ROWS_KEPT - 1) :], (ids, rows)]
        return rows

    def positions_of(self, ids) -> np.ndarray:
        """Row positions of the given programme ids, in the given order; ids not in the snapshot dropped."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(self.ids) or not len(ids):
            return np.empty(0, dtype=np.int64)
        slots = np.searchsorted(self.ids, ids, sorter=self.by_id).clip(0, len(self.ids) - 1)
        positions = self.by_id[slots]
        return positions[self.ids[positions] == ids]


# Every column as one array, in A–Z order, in a single row: psycopg2 parses arrays in C, several
# times faster than building 160,000 row tuples. Cost in pence and times in epoch seconds, so no
# Decimal or datetime objects are made.
LOAD_SQL = """
SELECT array_agg(id), array_agg(focus_level), array_agg(format), array_agg(delivery_mode),
       array_agg(provider_type), array_agg(phases), array_agg(regions), array_agg(funding_routes),
       array_agg(cost_pence), array_agg(band_rank), array_agg(shown_score), array_agg(review_count),
       array_agg(published_at), array_agg(score_purpose), array_agg(score_governance), array_agg(score_process),
       array_agg(score_definitions), array_agg(score_value), array_agg(expired), array_agg(local_authorities)
FROM (
    SELECT p.id, p.focus_level, p.format, p.delivery_mode, v.provider_type, p.phases, p.regions,
           p.funding_routes, round(p.cost_per_participant * 100)::bigint AS cost_pence, r.band_rank,
           r.shown_score, r.review_count, extract(epoch FROM p.published_at)::float8 AS published_at,
           r.score_purpose, r.score_governance, r.score_process, r.score_definitions, r.score_value,
           rv.expired_at IS NOT NULL AS expired, array_to_string(p.local_authorities, ',') AS local_authorities
    FROM programmes_programme p
    JOIN providers_provider v ON v.id = p.provider_id
    LEFT JOIN ratings_programmerating r ON r.programme_id = p.id
    LEFT JOIN ratings_ratingvalidity rv ON rv.programme_id = p.id
    WHERE p.status = %s
    ORDER BY p.title, p.id
) published
"""
LOADED_COLUMNS = ["id", "focus_level", "format", "delivery_mode", "provider_type", "phases", "regions",
                  "funding_routes", "cost_pence", "band_rank", "shown_score", "review_count", "published_at",
                  *ELEMENT_COLUMNS, "expired", "local_authorities"]  # fmt: skip


def _load_columns() -> dict[str, list]:
    with connection.cursor() as cursor:
        cursor.execute(LOAD_SQL, [ProgrammeStatus.PUBLISHED])
        arrays = cursor.fetchone()
    return {name: values or [] for name, values in zip(LOADED_COLUMNS, arrays, strict=True)}


def build_snapshot() -> DirectorySnapshot:
    raw = _load_columns()
    columns = {"id": np.array(raw["id"], dtype=np.int64)}
    for column, (_, vocabulary) in CODED_COLUMNS.items():
        index = {value: position for position, value in enumerate(vocabulary.values)}
        columns[column] = np.array([index.get(value, -1) for value in raw[column]], dtype=np.int16)
    for column in [*MASK_COLUMNS, "cost_pence"]:
        columns[column] = np.array(raw[column], dtype=np.int64)
    columns["band_rank"] = np.array([rank or 0 for rank in raw["band_rank"]], dtype=np.int16)
    columns["review_count"] = np.array([count or 0 for count in raw["review_count"]], dtype=np.int64)
    for column in ["published_at", "shown_score", *ELEMENT_COLUMNS]:
        columns[column] = np.array(raw[column], dtype=np.float64)  # None becomes NaN
    columns["published_at"] = np.nan_to_num(columns["published_at"], nan=-np.inf)
    columns["expired"] = np.array([bool(expired) for expired in raw["expired"]], dtype=bool)
    for column in LIST_COLUMNS:
        columns[column] = np.array(raw[column], dtype=object)
    return DirectorySnapshot(columns)


@dataclass(frozen=True)
class Fingerprint:
    programme_writes: int
    provider_writes: int
    rating_writes: int
    validity_writes: int  # a rating's expiry changes the "hide expired" filter, not the rating row
    max_programme_id: int | None
    max_provider_id: int | None
    live_framework_id: int | None

    @property
    def text_version(self) -> tuple:
        """What the search results depend on: programmes and providers, not ratings."""
        return (self.programme_writes, self.provider_writes, self.max_programme_id, self.max_provider_id)


def database_fingerprint() -> Fingerprint:
    with connection.cursor() as cursor:
        cursor.execute(FINGERPRINT_SQL, {"tables": SNAPSHOT_TABLES})
        writes, max_programme_id, max_provider_id, live_framework_id = cursor.fetchone()
    programme_writes, provider_writes, rating_writes, validity_writes = writes  # one per SNAPSHOT_TABLES
    return Fingerprint(
        programme_writes, provider_writes, rating_writes, validity_writes,
        max_programme_id, max_provider_id, live_framework_id,
    )  # fmt: skip


class SearchResultCache:
    """Recent searches' matching ids (in relevance order when ranked), per process.

    Why: a broad term matches ~40% of the register, and finding those rows costs a pass over most
    of the programme table's pages (300–500 ms here; no index can answer it alone). Popular terms
    recur, so their ids are kept. What invalidates them: any write to programmes or providers
    (the text that is searched), seen through the same fingerprint as the snapshot; rating changes
    do not touch them. Bounded by entries and by the ids held (8 bytes each).
    """

    def __init__(self, max_entries: int = 256, max_ids: int = 4_000_000) -> None:
        self.max_entries, self.max_ids = max_entries, max_ids
        self._entries: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._version = None
        self._held = 0
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._held = 0

    def get(self, version, key: tuple, fetch) -> np.ndarray:
        with self._lock:
            if version != self._version or version is None:
                self._entries.clear()
                self._version, self._held = version, 0
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        ids = np.asarray(fetch(), dtype=np.int64)
        with self._lock:
            if version == self._version and version is not None and len(ids) <= self.max_ids:
                self._entries[key] = ids
                self._held += len(ids)
                while len(self._entries) > self.max_entries or self._held > self.max_ids:
                    self._held -= len(self._entries.popitem(last=False)[1])
        return ids


class SnapshotHolder:
    """One snapshot per process, rebuilt when the fingerprint changes (one builder at a time)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot: DirectorySnapshot | None = None
        self._rebuilding = False
        self._fingerprint: Fingerprint | None = None
        self.searches = SearchResultCache()
        self.built_at = 0.0
        self._bands: dict[int, list] = {}

    def reusing(self) -> bool:
        return settings.DIRECTORY_SNAPSHOT_REUSE

    def current(self) -> DirectorySnapshot:
        """The snapshot to answer this request from.

        Only the first request of a process waits for a build. After that a change is picked up
        by a rebuild in a background thread while requests go on being answered from the previous
        snapshot, and at most once per ``DIRECTORY_SNAPSHOT_REFRESH_SECONDS``: at national scale
        reviews are published all day, and rebuilding in the request path after every one would
        stall the directory for everyone. So facets lag a write by that interval plus a build (a
        few seconds); the rows shown are always read from the database as they are now.
        """
        fingerprint = database_fingerprint()
        if not self.reusing():
            return build_snapshot()
        with self._lock:
            if self._snapshot is None:
                built = build_snapshot()
                self._install(built, fingerprint)
                return built
            if fingerprint != self._fingerprint and not self._rebuilding and self._refresh_due():
                self._rebuilding = True
                threading.Thread(target=self._rebuild, args=(fingerprint,), daemon=True).start()
            return self._snapshot

    def _refresh_due(self) -> bool:
        return time.time() - self.built_at >= settings.DIRECTORY_SNAPSHOT_REFRESH_SECONDS

    def _install(self, snapshot: DirectorySnapshot, fingerprint: Fingerprint) -> None:
        self._snapshot, self._fingerprint, self.built_at = snapshot, fingerprint, time.time()

    def _rebuild(self, fingerprint: Fingerprint) -> None:
        try:
            snapshot = build_snapshot()
            with self._lock:
                self._install(snapshot, fingerprint)
        finally:
            self._rebuilding = False
            connection.close()  # this thread's own connection

    def live_bands(self) -> list:
        """The live framework's bands, best first. A published framework never changes (models and
        database triggers refuse it), so they are kept per framework id, which the fingerprint
        carries: a newly live framework is picked up with no query of its own."""
        from reviews.models import Band

        framework_id = self._fingerprint.live_framework_id if self._fingerprint else None
        if framework_id is None or not self.reusing():
            return list(Band.objects.filter(framework__is_live=True).order_by("rank"))
        if framework_id not in self._bands:
            self._bands[framework_id] = list(Band.objects.filter(framework_id=framework_id).order_by("rank"))
        return self._bands[framework_id]

    def search_ids(self, text: str, *, ranked: bool, fetch) -> np.ndarray:
        """Ids matching a search, from the cache while programmes and providers are unchanged."""
        fingerprint = self._fingerprint
        version = fingerprint.text_version if (fingerprint and self.reusing()) else None
        key = (" ".join(text.lower().split()), ranked)
        return self.searches.get(version, key, fetch)


snapshots = SnapshotHolder()
