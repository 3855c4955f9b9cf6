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
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import BigIntegerField, F
from django.db.models.functions import Cast

from programmes.models import Programme
from programmes.vocabulary import DeliveryMode, ElementKey, FocusLevel, Format, ProgrammeStatus
from providers.vocabulary import ProviderType

CODED_COLUMNS = {
    # snapshot column: (ORM path, vocabulary); stored as the value's position in the vocabulary.
    "focus_level": ("focus_level", FocusLevel),
    "format": ("format", Format),
    "delivery_mode": ("delivery_mode", DeliveryMode),
    "provider_type": ("provider__provider_type", ProviderType),
}
MASK_COLUMNS = {"phases": "phases", "regions": "regions", "funding_routes": "funding_routes"}
ELEMENT_COLUMNS = [f"score_{key}" for key in ElementKey.values]

FINGERPRINT_SQL = """
SELECT coalesce(sum(s.n_tup_ins + s.n_tup_upd + s.n_tup_del), 0)
     + coalesce((SELECT sum(x.n_tup_ins + x.n_tup_upd + x.n_tup_del) FROM pg_stat_xact_user_tables x
                 WHERE x.relname = ANY(%(tables)s)), 0),
       (SELECT max(id) FROM programmes_programme), (SELECT max(id) FROM providers_provider)
FROM pg_stat_user_tables s WHERE s.relname = ANY(%(tables)s)
"""
SNAPSHOT_TABLES = ["programmes_programme", "providers_provider", "ratings_programmerating"]


@dataclass
class DirectorySnapshot:
    """Published programmes in A–Z order (title, id); one array per filterable or sortable column."""

    columns: dict[str, np.ndarray]
    orders: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ids = self.columns["id"]
        self.by_id = np.argsort(self.ids, kind="stable")
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

    def bits(self, column: str, values) -> int:
        return Programme._meta.get_field(MASK_COLUMNS[column]).mask_of(values)

    def positions_of(self, ids) -> np.ndarray:
        """Row positions of the given programme ids, in the given order; ids not in the snapshot dropped."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(self.ids) or not len(ids):
            return np.empty(0, dtype=np.int64)
        slots = np.searchsorted(self.ids, ids, sorter=self.by_id).clip(0, len(self.ids) - 1)
        positions = self.by_id[slots]
        return positions[self.ids[positions] == ids]


def _load_rows():
    values = {
        "id": F("id"),
        **{column: F(path) for column, (path, _) in CODED_COLUMNS.items()},
        **{column: Cast(path, BigIntegerField()) for column, path in MASK_COLUMNS.items()},
        "cost": F("cost_per_participant"),
        "band_rank": F("rating__band_rank"),
        "shown_score": F("rating__shown_score"),
        "review_count": F("rating__review_count"),
        "published_at": F("published_at"),
        **{column: F(f"rating__{column}") for column in ELEMENT_COLUMNS},
    }
    published = Programme.objects.filter(status=ProgrammeStatus.PUBLISHED).order_by("title", "id")
    return list(values), list(published.values_list(*values.values()))


def build_snapshot() -> DirectorySnapshot:
    names, rows = _load_rows()
    raw = dict(zip(names, zip(*rows, strict=True), strict=True)) if rows else dict.fromkeys(names, ())
    columns = {"id": np.array(raw["id"], dtype=np.int64)}
    for column, (_, vocabulary) in CODED_COLUMNS.items():
        index = {value: position for position, value in enumerate(vocabulary.values)}
        columns[column] = np.array([index.get(value, -1) for value in raw[column]], dtype=np.int16)
    for column in MASK_COLUMNS:
        columns[column] = np.array(raw[column], dtype=np.int64)
    columns["cost_pence"] = np.array([int(cost * 100) for cost in raw["cost"]], dtype=np.int64)
    columns["band_rank"] = np.array([rank or 0 for rank in raw["band_rank"]], dtype=np.int16)
    columns["review_count"] = np.array([count or 0 for count in raw["review_count"]], dtype=np.int64)
    columns["published_at"] = np.array(
        [when.timestamp() if when else -np.inf for when in raw["published_at"]], dtype=np.float64
    )
    for column in ["shown_score", *ELEMENT_COLUMNS]:
        columns[column] = np.array([np.nan if v is None else v for v in raw[column]], dtype=np.float64)
    return DirectorySnapshot(columns)


def database_fingerprint():
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(FINGERPRINT_SQL, {"tables": SNAPSHOT_TABLES})
        return tuple(cursor.fetchone())


class SnapshotHolder:
    """One snapshot per process, rebuilt when the fingerprint changes (one builder at a time)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot: DirectorySnapshot | None = None
        self._fingerprint = None
        self.built_at = 0.0

    def current(self) -> DirectorySnapshot:
        fingerprint = database_fingerprint()
        reuse = getattr(settings, "DIRECTORY_SNAPSHOT_REUSE", True) and fingerprint is not None
        with self._lock:
            if not (reuse and self._snapshot is not None and fingerprint == self._fingerprint):
                self._snapshot, self._fingerprint, self.built_at = build_snapshot(), fingerprint, time.time()
            return self._snapshot


snapshots = SnapshotHolder()
