"""The directory snapshot: every published programme's filterable columns, held in memory as arrays.

Why: counting every facet option "with the other filters applied" over a broad result set is a
conditional aggregate per option per row. On the national data (160,000 published programmes)
one PostgreSQL pass computing the ~50 counts took 450–600 ms on the 2-core machine, and the joins
to providers and ratings alone 200–350 ms (figures in BENCHMARKS.md). The same counts over
numpy arrays take a few milliseconds, and so does ordering and paging the filtered set, leaving
PostgreSQL the work it is good at: the full-text match (GIN index) and fetching one page of rows
by primary key.

Freshness: each snapshot records the change version it reflects (``programmes.directory_version``:
a log that database triggers write in the transaction of every public change, so it holds on a
streaming replica and after a restart or a statistics reset). Every request first asks the log for
changes since that version (one indexed query, no rows while nothing changed) and, if there are
some, *patches* the snapshot under the holder's lock: only the changed programmes' rows are read
again (by id and by provider) and updated, appended or marked gone in the arrays, bit planes and
sort orders, so the request right after a worker's commit shows the new result, band, counts and
order. Patching builds a new snapshot object (copying only what changed) rather than editing the
one other threads may be reading. Rows that left the register stay in the arrays, cleared from
every plane and order (``alive``), until a rebuild compacts them. A whole rebuild, in a background
thread while requests are answered from the snapshot as it is, happens only when the log no longer
reaches back to the snapshot's version (pruned), on an "everything" change (a new live framework),
when one change touches more programmes than patching is worth, or to compact. With
``DIRECTORY_SNAPSHOT_REUSE = False`` (tests that share one process across many data sets) the
snapshot is rebuilt for every request. ``snapshots.warm()`` builds the
first snapshot before a process takes traffic (for a server's start-up hook).
"""

import copy
import functools
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import TextChoices

from programmes.directory_filters import DIRECTORY_FILTERS, DirectoryFilter
from programmes.directory_version import (
    Changes,
    Seen,
    changes_since,
    directory_database,
    seen_at_start,
    text_changed_between,
)
from programmes.models import Programme
from programmes.shared_searches import CachedSearch, SharedSearches
from programmes.vocabulary import ElementKey, ProgrammeStatus
from qaportal.fields import choice_set_field
from qaportal.read_replica import read_from_primary, read_scope, replica_health


@dataclass(frozen=True)
class Column:
    """A snapshot column: its value in the load SQL (over the aliases of ``programmes.directory_filters``)
    and how it is held (``kind``, see ``as_columns``)."""

    name: str
    sql: str
    kind: Literal["id", "code", "bits", "list", "units", "count", "rank", "score", "time", "flag"]
    vocabulary: type[TextChoices] | None = None  # code: the values, held as their position in it
    path: str = ""  # bits: the Programme field whose bitmask it is


def filter_column(spec: DirectoryFilter) -> Column:
    """The column a directory filter reads, in the unit it compares in."""
    name = spec.snapshot_column
    if spec.kind == "choice":
        return Column(name, spec.sql, "code", vocabulary=spec.vocabulary)
    if spec.kind == "multi-choice":
        return Column(name, spec.sql, "bits", path=spec.path)
    if spec.kind == "list":  # comma-joined text: one plane per code seen
        return Column(name, f"array_to_string({spec.sql}, ',')", "list")
    if spec.kind == "range":
        return Column(name, f"round({spec.sql} * {spec.scale})::bigint" if spec.scale != 1 else spec.sql, "units")
    return Column(name, spec.ticked_sql(), "flag")


ELEMENT_COLUMNS = [f"score_{key}" for key in ElementKey.values]
COLUMNS = [
    Column("id", "p.id", "id"),
    Column("band_rank", "r.band_rank", "rank"),
    Column("shown_score", "r.shown_score", "score"),
    Column("review_count", "r.review_count", "count"),
    Column("published_at", "extract(epoch FROM p.published_at)::float8", "time"),  # epoch seconds
    *[Column(name, f"r.{name}", "score") for name in ELEMENT_COLUMNS],
    *[filter_column(spec) for spec in DIRECTORY_FILTERS],
]
COLUMN = {column.name: column for column in COLUMNS}
LIST_COLUMNS = [column.name for column in COLUMNS if column.kind == "list"]
# The sorts other than A–Z: (column, descending); missing values (NaN, or -inf for no date) last,
# and the id ascending breaks ties.
ORDER_KEYS = {
    "best": ("shown_score", True),
    "most_reviewed": ("review_count", True),
    "newest": ("published_at", True),
    "cost": ("cost_pence", False),
}


def order_keys(values: np.ndarray, descending: bool) -> np.ndarray:
    keys = -values.astype(np.float64) if descending else values.astype(np.float64)
    return np.nan_to_num(keys, nan=np.inf, posinf=np.inf, neginf=-np.inf)


SEARCH_ROWS_KEPT = 32  # searches whose row positions a snapshot keeps (≤ 0.5 MB each)
PATCH_LIMIT = 5_000  # more changed programmes than this at once: rebuild instead of patching
DEAD_SHARE_KEPT = 0.05  # rows gone from the register that a snapshot keeps before compacting


@functools.cache
def _bits_of(column: str) -> dict[str, int]:
    field_ = choice_set_field(Programme, COLUMN[column].path)
    return {member.value: 1 << position for position, member in enumerate(field_.choices_class)}


def _vocabulary(column: str) -> list[str]:
    vocabulary = COLUMN[column].vocabulary
    assert vocabulary is not None, f"{column} is not a coded column"
    return list(vocabulary.values)


@functools.cache
def _code_of(column: str, value: str) -> int:
    return _vocabulary(column).index(value)


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


def list_codes(texts) -> set[str]:
    """Every code in these rows of a list column."""
    return {code for text in texts if text for code in text.split(",")}


def set_bits(words: np.ndarray, positions: np.ndarray, members: np.ndarray) -> None:
    """Set (``members``) or clear the given rows' bits in a packed plane, in place (as ``pack`` lays
    them out: row 0 is the high bit of the first byte)."""
    octets = words.view(np.uint8)
    index, bit = positions >> 3, (0x80 >> (positions & 7)).astype(np.uint8)
    if len(np.unique(index)) == len(index):  # each byte once: plain assignment is exact, and faster
        octets[index] = (octets[index] & ~bit) | np.where(members, bit, 0).astype(np.uint8)
        return
    np.bitwise_and.at(octets, index, ~bit)
    np.bitwise_or.at(octets, index[members], bit[members])


def grown(words: np.ndarray, size: int) -> np.ndarray:
    """A copy of a packed plane with room for ``size`` rows (the new rows' bits clear)."""
    needed = -(-size // 64)
    if needed <= len(words):
        return words.copy()
    return np.concatenate([words, np.zeros(needed - len(words), dtype=np.uint64)])


def spliced(array: np.ndarray, removed: np.ndarray, before: np.ndarray, values: np.ndarray) -> np.ndarray:
    """A copy of ``array`` without the elements at ``removed`` and with ``values`` inserted before the
    elements at ``before`` (both indices into ``array`` as it is; equal ones keep the values' order).

    One pass joining slices while they are few: np.delete and np.insert each build a mask over the
    whole array and copy it, several times slower for a handful of rows.
    """
    removed, before = np.asarray(removed, dtype=np.int64), np.asarray(before, dtype=np.int64)
    values = np.asarray(values, dtype=array.dtype)
    if len(removed) == len(before) <= 1 and (not len(removed) or _stays(array, removed[0], before[0], values[0])):
        return array  # nothing moves: shared (orders are never written once built)
    if len(removed) + len(before) > 64:
        after_removal = before - np.searchsorted(np.sort(removed), before, "left")
        return np.insert(np.delete(array, removed), after_removal, values)
    events = sorted([(int(at), 0, index) for index, at in enumerate(before)] + [(int(at), 1, 0) for at in removed])
    pieces, start = [], 0
    for at, removing, index in events:
        pieces.append(array[start:at])
        pieces.extend([] if removing else [values[index : index + 1]])
        start = at + removing
    return np.concatenate([*pieces, array[start:]])


def _stays(array: np.ndarray, removed: int, before: int, value) -> bool:
    """Whether taking out the element at ``removed`` and putting ``value`` before ``before`` leaves
    the array as it was."""
    return before in (removed, removed + 1) and array[removed] == value


class DirectorySnapshot:
    """Published programmes' rows (built in A–Z order, then appended to by patches); one array per
    filterable or sortable column, for every facet option a packed bit plane of the rows that have
    it, ``alive`` (rows still in the register) and each sort's row positions."""

    def __init__(self, columns: dict[str, np.ndarray], seen: Seen | None = None, live_framework_id=None) -> None:
        self.columns, self.ids = columns, columns["id"]
        self.buffers = dict(columns)  # what the columns are views of (patches append into their spare room)
        self.seen, self.live_framework_id = seen or Seen(0, 0), live_framework_id
        self.database = ""  # which database it was read from (``seen_at_start``): names shared searches
        self.alive = pack(np.ones(len(self.ids), dtype=bool))
        self.live = len(self.ids)
        ranks = columns["band_rank"]
        self.worst_rank = max(int(ranks.max(initial=0)), 1)
        self.planes = {key: pack(self.members(key, slice(None))) for key in self.plane_keys()}
        for column in LIST_COLUMNS:
            self.planes.update(list_planes(column, columns[column]))
        self.by_id = np.argsort(self.ids, kind="stable")
        self.sorted_ids = self.ids[self.by_id]
        self.orders = {"title": np.arange(len(self.ids))}
        for name, (column, descending) in ORDER_KEYS.items():
            self.orders[name] = np.lexsort((self.ids, order_keys(columns[column], descending)))
        self._forget_searches()

    def _forget_searches(self) -> None:
        self._search_rows: list[tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]] = []
        self._search_rows_lock = threading.Lock()

    def __len__(self) -> int:
        """Rows in the arrays (the size of every row mask), gone ones included; ``live`` counts the rest."""
        return len(self.ids)

    def plane_keys(self) -> list[tuple]:
        """Every plane but the list columns' (those are one per code seen): a plane per value of a
        coded or bitmask column, one for a flag (key value True) and one per band rank "or better"."""
        keys: list[tuple] = []
        for column in COLUMNS:
            if column.kind == "code":
                keys += [(column.name, value) for value in _vocabulary(column.name)]
            elif column.kind == "bits":
                keys += [(column.name, value) for value in self._bits_of(column.name)]
            elif column.kind == "flag":
                keys.append((column.name, True))
        return keys + [("band_rank", rank) for rank in range(1, self.worst_rank + 1)]

    def members(self, key: tuple, rows) -> np.ndarray:
        """Whether each of these rows (positions or a slice) belongs in the plane ``key``."""
        column, value = key
        kind = COLUMN[column].kind
        if kind == "code":
            return self.columns[column][rows] == _code_of(column, value)
        if kind == "bits":
            return (self.columns[column][rows] & self._bits_of(column)[value]) != 0
        if kind == "list":
            texts = self.columns[column][rows]
            return np.array([bool(text) and value in text.split(",") for text in texts], dtype=bool)
        if kind == "flag":
            return self.columns[column][rows]
        ranks = self.columns["band_rank"][rows]
        return (ranks > 0) & (ranks <= value)

    @staticmethod
    def _bits_of(column: str) -> dict[str, int]:
        return _bits_of(column)

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
        return choice_set_field(Programme, COLUMN[column].path).mask_of(values)

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
        """Row positions of the given programme ids, in the given order; ids not in the register dropped."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(self.sorted_ids) or not len(ids):
            return np.empty(0, dtype=np.int64)
        slots = np.searchsorted(self.sorted_ids, ids).clip(0, len(self.sorted_ids) - 1)
        return self.by_id[slots][self.sorted_ids[slots] == ids]

    def dead_share(self) -> float:
        return 1 - self.live / len(self.ids) if len(self.ids) else 0.0


# Every column as one array, in a single row: psycopg2 parses arrays in C, several times faster
# than building 160,000 row tuples. Cost in pence and times in epoch seconds, so no Decimal or
# datetime objects are made. ``{extra_*}`` and ``{where}`` make the full load and the patch's.
def _rows_sql(columns: list[Column]) -> str:
    aggregates = ",\n       ".join(f"array_agg({column.name})" for column in columns)
    selected = ",\n           ".join(f"{column.sql} AS {column.name}" for column in columns)
    return f"""
SELECT {aggregates}
       {{extra_aggregates}}
FROM (
    SELECT {selected}
           {{extra_columns}}
    FROM programmes_programme p
    JOIN providers_provider v ON v.id = p.provider_id
    LEFT JOIN ratings_programmerating r ON r.programme_id = p.id
    LEFT JOIN ratings_ratingvalidity rv ON rv.programme_id = p.id
    WHERE {{where}}
    ORDER BY p.title, p.id
) programmes
"""


ROWS_SQL = _rows_sql(COLUMNS)
# The tables the rows are read from: a change logged for another table changes no row here.
ROW_SOURCES = frozenset(re.findall(r"(?:FROM|JOIN)\s+(\w+)(?=\s)", ROWS_SQL))
LOAD_SQL = ROWS_SQL.format(extra_aggregates="", extra_columns="", where="p.status = %(published)s")
# The changed programmes (and their providers' programmes), published or not, each published one
# with the published programme it follows in A–Z order among those not changed (the partial index
# programme_published_title finds it): where it goes in the snapshot's A–Z order.
PATCH_SQL = ROWS_SQL.format(
    extra_aggregates=", array_agg(published), array_agg(after_id)",
    extra_columns=""",
           p.status = %(published)s AS published,
           CASE WHEN p.status = %(published)s THEN (
               SELECT q.id FROM programmes_programme q
               WHERE q.status = %(published)s AND (q.title, q.id) < (p.title, p.id)
                 AND NOT (q.id = ANY(%(ids)s) OR q.provider_id = ANY(%(providers)s))
               ORDER BY q.title DESC, q.id DESC LIMIT 1) END AS after_id""",
    where="p.id = ANY(%(ids)s) OR p.provider_id = ANY(%(providers)s)",
)
LOADED_COLUMNS = [column.name for column in COLUMNS]


def _load(sql: str, params: dict, names: list[str], using: str) -> dict[str, list]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, {"published": ProgrammeStatus.PUBLISHED, **params})
        arrays = cursor.fetchone()
    return {name: values or [] for name, values in zip(names, arrays, strict=True)}


def _coded(column: Column, values: list) -> np.ndarray:
    index = {value: position for position, value in enumerate(_vocabulary(column.name))}
    return np.array([index.get(value, -1) for value in values], dtype=np.int16)


# How each kind of column is held (a NULL: no rating, no date, no code).
CONVERSIONS: dict[str, Callable[[Column, list], np.ndarray]] = {
    "id": lambda column, values: np.array(values, dtype=np.int64),
    "code": _coded,
    "bits": lambda column, values: np.array(values, dtype=np.int64),
    "units": lambda column, values: np.array(values, dtype=np.int64),
    "count": lambda column, values: np.array([value or 0 for value in values], dtype=np.int64),
    "rank": lambda column, values: np.array([value or 0 for value in values], dtype=np.int16),
    "score": lambda column, values: np.array(values, dtype=np.float64),  # None becomes NaN
    "time": lambda column, values: np.nan_to_num(np.array(values, dtype=np.float64), nan=-np.inf),
    "flag": lambda column, values: np.array([bool(value) for value in values], dtype=bool),
    "list": lambda column, values: np.array([text or "" for text in values], dtype=object),
}


def as_columns(raw: dict[str, list]) -> dict[str, np.ndarray]:
    return {column.name: CONVERSIONS[column.kind](column, raw[column.name]) for column in COLUMNS}


def build_snapshot(using: str = DEFAULT_DB_ALIAS) -> DirectorySnapshot:
    """The whole register, at the change version read before it (changes after it are patched in),
    both read on one database."""
    seen, live_framework_id, database = seen_at_start(using)
    snapshot = DirectorySnapshot(as_columns(_load(LOAD_SQL, {}, LOADED_COLUMNS, using)), seen, live_framework_id)
    snapshot.database = database
    return snapshot


class SnapshotDisagrees(Exception):
    """A row the database says the snapshot holds is not in it: read the whole register again."""


def patch_snapshot(snapshot: DirectorySnapshot, changes: Changes, using: str = DEFAULT_DB_ALIAS) -> DirectorySnapshot:
    """A new snapshot with the changed programmes' rows as they are now (two small queries' worth of
    reading: the rows, each with the programme it follows in A–Z order); ``snapshot`` is left as it was."""
    params = {"ids": sorted(changes.programme_ids), "providers": sorted(changes.provider_ids)}
    raw = _load(PATCH_SQL, params, [*LOADED_COLUMNS, "published", "after_id"], using)
    published = np.array(raw.pop("published"), dtype=bool)
    after_ids = np.array([-1 if after is None else after for after in raw.pop("after_id")], dtype=np.int64)
    rows = as_columns(raw)
    values = {name: column[published] for name, column in rows.items()}
    ids = values["id"]
    positions = _locate(snapshot, ids)
    appended = positions < 0
    positions[appended] = np.arange(len(snapshot), len(snapshot) + int(appended.sum()))
    gone = np.array(sorted(changes.programme_ids.union(rows["id"].tolist()) - set(ids.tolist())), dtype=np.int64)
    killed = snapshot.positions_of(gone)
    new = copy.copy(snapshot)
    new._forget_searches()
    new.seen = changes.seen
    new.buffers, new.columns = _patched_columns(snapshot, values, positions, len(snapshot) + int(appended.sum()))
    new.ids = new.columns["id"]
    affected = np.concatenate([positions, killed])
    _patch_planes(new, snapshot, affected, np.arange(len(affected)) < len(positions))
    _patch_id_index(new, snapshot, killed, ids[appended], positions[appended])
    _patch_orders(new, snapshot, affected, positions, values, after_ids[published])
    return new


def _locate(snapshot: DirectorySnapshot, ids: np.ndarray) -> np.ndarray:
    """Each id's row position in the snapshot, -1 where it holds none."""
    if not len(snapshot.sorted_ids):
        return np.full(len(ids), -1, dtype=np.int64)
    slots = np.searchsorted(snapshot.sorted_ids, ids).clip(0, len(snapshot.sorted_ids) - 1)
    return np.where(snapshot.sorted_ids[slots] == ids, snapshot.by_id[slots], -1)


def _same(old: np.ndarray, new: np.ndarray) -> bool:
    return np.array_equal(old, new, equal_nan=old.dtype.kind == "f")


def _patched_columns(old: DirectorySnapshot, values: dict, positions: np.ndarray, size: int) -> tuple[dict, dict]:
    """The columns with the changed rows' values, as views of buffers with room to append.

    A buffer is copied only when a row the old snapshot holds changes value (another thread may be
    reading it) or when it is full; appended rows go past the end of the old snapshot's views, so
    they share its buffers.
    """
    buffers, columns = {}, {}
    inside = positions < len(old)
    for name, buffer in old.buffers.items():
        column = old.columns[name]
        changed = bool(inside.any()) and not _same(column[positions[inside]], values[name][inside])
        if size > len(buffer):
            buffer = np.concatenate([column, np.zeros(size - len(column) + max(1024, size // 16), dtype=column.dtype)])
        elif changed:
            buffer = buffer.copy()
        buffer[positions] = values[name]
        buffers[name], columns[name] = buffer, buffer[:size]
    return buffers, columns


def _patch_planes(new: DirectorySnapshot, old: DirectorySnapshot, affected: np.ndarray, live: np.ndarray) -> None:
    """Recompute the affected rows' bits in every plane (``live``: whether each one is still listed)."""
    size = len(new)
    new.alive = grown(old.alive, size)
    set_bits(new.alive, affected, live)
    new.live = popcount(new.alive)
    new.worst_rank = max(old.worst_rank, int(new.columns["band_rank"][affected[live]].max(initial=0)))
    inside = affected < len(old)
    same_words = -(-size // 64) == -(-len(old) // 64)
    new.planes = {}
    new_lists, old_lists = _ListMembers(new, affected), _ListMembers(old, affected.clip(0, len(old) - 1))
    for key in [*new.plane_keys(), *_list_plane_keys(new, old, affected)]:
        members = live & new_lists.members(key)
        if key not in old.planes and key[0] in LIST_COLUMNS:  # a code only the changed rows have
            new.planes[key] = grown(np.zeros(0, dtype=np.uint64), size)
            set_bits(new.planes[key], affected, members)
        elif key not in old.planes:  # a band no row had when the snapshot was built
            new.planes[key] = pack(new.members(key, slice(None)) & unpack(new.alive, size))
        elif same_words and np.array_equal(members, inside & old_lists.members(key)):
            new.planes[key] = old.planes[key]  # no bit changes: shared (planes are never written once built)
        else:
            new.planes[key] = grown(old.planes[key], size)
            set_bits(new.planes[key], affected, members)


class _ListMembers:
    """``snapshot.members(key, rows)`` for a few rows and many keys: a list column's codes (one plane
    per local authority) are split once per row, not once per row and plane."""

    def __init__(self, snapshot: DirectorySnapshot, rows: np.ndarray) -> None:
        self.snapshot, self.rows = snapshot, rows
        self._codes: dict[str, dict[str, np.ndarray]] = {}

    def members(self, key: tuple) -> np.ndarray:
        column, code = key
        if column not in LIST_COLUMNS:
            return self.snapshot.members(key, self.rows)
        if column not in self._codes:
            found: dict[str, list[int]] = {}
            for index, text in enumerate(self.snapshot.columns[column][self.rows]):
                for each in text.split(",") if text else ():
                    found.setdefault(each, []).append(index)
            self._codes[column] = {each: np.array(indices, dtype=np.int64) for each, indices in found.items()}
        mask = np.zeros(len(self.rows), dtype=bool)
        mask[self._codes[column].get(code, np.empty(0, dtype=np.int64))] = True
        return mask


def _list_plane_keys(new: DirectorySnapshot, old: DirectorySnapshot, affected: np.ndarray) -> list[tuple]:
    """The list columns' planes: every code the snapshot had a plane for, and any the changed rows bring."""
    keys = {key for key in old.planes if key[0] in LIST_COLUMNS}
    for column in LIST_COLUMNS:
        keys |= {(column, code) for code in list_codes(new.columns[column][affected])}
    return sorted(keys)


def _patch_id_index(new, old, killed: np.ndarray, appended_ids: np.ndarray, appended_positions: np.ndarray) -> None:
    """Ids in ascending order with their rows, for ``positions_of``: gone ones out, new ones in."""
    removed = np.searchsorted(old.sorted_ids, old.ids[killed])
    order = np.argsort(appended_ids)
    before = np.searchsorted(old.sorted_ids, appended_ids[order])
    new.sorted_ids = spliced(old.sorted_ids, removed, before, appended_ids[order])
    new.by_id = spliced(old.by_id, removed, before, appended_positions[order])


def _patch_orders(new, old, affected: np.ndarray, positions: np.ndarray, values: dict, after_ids: np.ndarray) -> None:
    """Take the affected rows out of every sort order and put the listed ones back in their place
    (indices found in each order as it was, by bisection, then one splice per order)."""
    existing = affected[affected < len(old)]
    new.orders = {}
    for name, (column, descending) in ORDER_KEYS.items():
        order = old.orders[name]
        keys = _keys_along(order, old.columns[column], descending, len(existing) + len(positions))
        old_keys = order_keys(old.columns[column][existing], descending)
        removed = np.array(
            [_slot(order, keys, old.ids, key, id_) for key, id_ in zip(old_keys, old.ids[existing], strict=True)],
            dtype=np.int64,
        )
        if len(removed) and not np.array_equal(order[np.clip(removed, 0, len(order) - 1)], existing):
            raise SnapshotDisagrees
        row_keys = order_keys(values[column], descending)
        by_key = np.lexsort((values["id"], row_keys))
        wanted = zip(row_keys[by_key], values["id"][by_key], strict=True)
        before = np.array([_slot(order, keys, old.ids, key, id_) for key, id_ in wanted], dtype=np.int64)
        new.orders[name] = spliced(order, removed, before, positions[by_key])
    new.orders["title"] = _title_order(new, old.orders["title"], existing, positions, after_ids)


class _KeysAlong:
    """An order's sort keys read row by row (for a few bisections, cheaper than gathering them all)."""

    def __init__(self, order: np.ndarray, column: np.ndarray, descending: bool) -> None:
        self.order, self.column, self.sign = order, column, -1.0 if descending else 1.0

    def __getitem__(self, index: int) -> float:
        value = float(self.column[self.order[index]]) * self.sign
        return np.inf if value != value else value  # NaN last


def _keys_along(order: np.ndarray, column: np.ndarray, descending: bool, rows: int):
    return order_keys(column[order], descending) if rows > 96 else _KeysAlong(order, column, descending)


def _slot(order: np.ndarray, keys, ids: np.ndarray, key: float, id_: int) -> int:
    """Where (key, id) goes in an order sorted by key then id (its index, if it is there): bisection."""
    low, high = 0, len(order)
    while low < high:
        middle = (low + high) // 2
        middle_key = keys[middle]
        if middle_key < key or (middle_key == key and ids[order[middle]] < id_):
            low = middle + 1
        else:
            high = middle
    return low


def _title_order(new, order: np.ndarray, existing: np.ndarray, positions: np.ndarray, after_ids: np.ndarray):
    """A–Z: each listed changed row goes after the unchanged programme the database says precedes it
    (PostgreSQL's collation decides, as in the full load); rows with the same one keep the load's order."""
    after = _locate(new, after_ids)
    if ((after < 0) & (after_ids >= 0)).any():
        raise SnapshotDisagrees
    before = np.zeros(len(after), dtype=np.int64)
    before[after_ids >= 0] = _indices_in(order, after[after_ids >= 0]) + 1
    return spliced(order, _indices_in(order, existing), before, positions)


def _indices_in(order: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Where each of these row positions is in an order (each is there once): a scan per row while
    they are few, else one inverse of the whole order."""
    if len(positions) <= 8:
        return np.array([np.flatnonzero(order == position)[0] for position in positions], dtype=np.int64)
    inverse = np.full(int(order.max(initial=0)) + 1, -1, dtype=np.int64)
    inverse[order] = np.arange(len(order))
    return inverse[positions]


# Matches among some programmes, for bringing a cached search up to date: (ids, ranks) of those that
# match now, and every programme that was looked at (whatever matched them before is replaced).
Recheck = Callable[[list[int], list[int]], tuple[np.ndarray, np.ndarray, np.ndarray]]
# The programmes and providers whose text changed since a version, from the change log; None: unknown.
LookUp = Callable[[int], tuple[set[int], set[int]] | None]


class SearchResultCache:
    """Recent searches' matching ids (in relevance order when ranked), per process.

    Why: a broad term matches ~40% of the register, and finding those rows costs a pass over most
    of the programme table's pages (300–500 ms here; no index can answer it alone). Popular terms
    recur, so their ids are kept. A change to programmes or providers (the text that is searched,
    and which programmes are published; seen through the change log's ``text_version``) does not
    throw them away: the changed programmes (``changed``, as the snapshot's catch-up reads them) are
    searched again by id, a few index lookups, and merged in. Throwing every search away at each
    publication made every search on a busy register an uncached one. Only a jump in the version
    that the recorded changes do not cover (a rebuild) empties the cache. Rating changes do not
    touch it. Bounded by entries and by the ids held (8 bytes each).
    """

    CHANGES_KEPT = 256  # text changes remembered; a search older than all of them is read again

    def __init__(self, max_entries: int = 256, max_ids: int = 4_000_000) -> None:
        self.max_entries, self.max_ids = max_entries, max_ids
        self._entries: OrderedDict[tuple, CachedSearch] = OrderedDict()
        self._version: int | None = None  # the newest text version the changes reach
        self._changes: list[tuple[int, int, frozenset, frozenset]] = []  # (from, to, programmes, providers)
        self._held = 0
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._changes, self._held = [], 0

    def changed(self, old: int, new: int, programme_ids, provider_ids) -> None:
        """Searchable text moved from version ``old`` to ``new`` through these programmes and providers."""
        with self._lock:
            if self._version != old:
                self._entries.clear()
                self._changes, self._held = [], 0
            self._changes = [*self._changes[-(self.CHANGES_KEPT - 1) :],
                             (old, new, frozenset(programme_ids), frozenset(provider_ids))]  # fmt: skip
            self._version = new

    def _since(self, version: int) -> tuple[set[int], set[int]] | None:
        """The programmes and providers changed after ``version``; None when that is not known."""
        if not self._changes or version < self._changes[0][0]:
            return None
        programmes: set[int] = set()
        providers: set[int] = set()
        for _, new, changed_programmes, changed_providers in self._changes:
            if new > version:
                programmes |= changed_programmes
                providers |= changed_providers
        return programmes, providers

    def get(
        self,
        version: int | None,
        key: tuple,
        fetch,
        recheck: Recheck | None = None,
        shared: SharedSearches | None = None,
        look_up: LookUp | None = None,
    ) -> np.ndarray:
        """The search's ids at ``version``: kept here, or left by another process in ``shared`` (only
        passed by a process whose snapshot has no holes, see ``programmes.shared_searches``), brought
        up to date by re-searching what changed since, or fetched whole. ``look_up`` names what
        changed since an older version when this process has not recorded it (one it started after)."""
        with self._lock:
            if version is None or (self._version is not None and version < self._version):
                return self._fetched(fetch)  # no cache, or an older snapshot than the cache's: read afresh
            if version != self._version:  # a version the recorded changes do not reach
                self._entries.clear()
                self._changes, self._held, self._version = [], 0, version
            cached = self._entries.get(key)
            if cached is not None:
                self._entries.move_to_end(key)
                if cached.version == version:
                    return cached.ids
        newer = shared.get(key) if shared is not None else None
        taken = newer is not None and newer.version <= version and (cached is None or newer.version > cached.version)
        if taken:
            cached = newer  # another process's, newer than ours
        found = None
        if cached is not None:
            found = cached if cached.version == version else self._brought_up_to_date(cached, recheck, look_up)
        if found is None:
            ids, ranks = fetch()
            found = CachedSearch(np.asarray(ids, dtype=np.int64), ranks, version)
        if shared is not None and not (taken and found is cached):  # what others have not got yet
            shared.put(key, found.ids, found.ranks, version)
        found.version = version
        self._keep(version, key, found)
        return found.ids

    def _fetched(self, fetch) -> np.ndarray:
        return np.asarray(fetch()[0], dtype=np.int64)

    def _brought_up_to_date(
        self, cached: CachedSearch, recheck: Recheck | None, look_up: LookUp | None = None
    ) -> CachedSearch | None:
        """A cached search with what changed since re-searched; None when that is not known."""
        with self._lock:
            since = self._since(cached.version)
        if since is None and look_up is not None:
            since = look_up(cached.version)
        if since is None or recheck is None:
            return None
        if not (since[0] or since[1]):
            return CachedSearch(cached.ids, cached.ranks, cached.version)
        return _merged(cached, *recheck(sorted(since[0]), sorted(since[1])))

    def _keep(self, version: int, key: tuple, found: CachedSearch) -> None:
        with self._lock:
            if version == self._version and len(found.ids) <= self.max_ids:
                previous = self._entries.pop(key, None)
                self._held -= len(previous.ids) if previous else 0
                self._entries[key] = found
                self._held += len(found.ids)
                while len(self._entries) > self.max_entries or self._held > self.max_ids:
                    self._held -= len(self._entries.popitem(last=False)[1].ids)


def _merged(cached: CachedSearch, ids: np.ndarray, ranks: np.ndarray, looked_at: np.ndarray) -> CachedSearch:
    """A cached search with the programmes looked at again replaced by those of them that match now."""
    kept = ~np.isin(cached.ids, looked_at)
    merged_ids = np.concatenate([cached.ids[kept], ids])
    if cached.ranks is None:
        return CachedSearch(merged_ids, None, cached.version)
    merged_ranks = np.concatenate([cached.ranks[kept], ranks])
    order = np.lexsort((merged_ids, -merged_ranks))
    return CachedSearch(merged_ids[order], merged_ranks[order], cached.version)


class Lineage:
    """One database's snapshot in this process, as it was built and patched from that database only,
    and the searches read there."""

    def __init__(self) -> None:
        self.snapshot: DirectorySnapshot | None = None
        self.rebuilding = False  # a background rebuild is running
        self.stale = False  # the snapshot cannot be patched any further: only the rebuild helps
        self.searches = SearchResultCache()
        self.shared_searches = SharedSearches()


class SnapshotHolder:
    """The snapshots of this process, one per database the directory reads (the primary, and the
    replica when one is configured), each brought up to its database's change version at every
    request (see the module).

    Why one per database: a snapshot and the change log that patches it must be read on the same
    database, or the version it records runs ahead of its rows and the changes in between are never
    shown. The primary is never behind the replica, so a primary snapshot can start as a copy of the
    replica's and patch forward from it; the reverse is not safe, so a replica snapshot is always
    built on the replica.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lineages: dict[str, Lineage] = {}
        self._bands: dict[int, list] = {}

    def reusing(self) -> bool:
        return settings.DIRECTORY_SNAPSHOT_REUSE

    def after_fork(self) -> None:
        """In a forked child (a web worker of a preloading master): the snapshots came along, the
        threads that were rebuilding them did not, and no lock may stay held by one of those."""
        self._lock = threading.Lock()
        for lineage in self._lineages.values():
            lineage.rebuilding = False

    def forget(self) -> None:
        """Drop every snapshot, as a new process starts (for tests that change the data under it)."""
        with self._lock:
            self._lineages = {}

    def clear_searches(self) -> None:
        """Forget every database's cached searches (to time searches uncached)."""
        for lineage in list(self._lineages.values()):
            lineage.searches.clear()
            lineage.shared_searches.forget()

    def current(self) -> DirectorySnapshot:
        """The snapshot to answer this request from, with every change its database has committed.

        Only a process's first request waits for a whole build (unless ``warm`` ran first); after
        that a request patches in what changed since the last one, which takes milliseconds.
        """
        using = directory_database()
        if not self.reusing():
            return build_snapshot(using)
        with self._lock:
            lineage = self._lineages.setdefault(using, Lineage())
            if lineage.snapshot is None:
                return self._first(lineage, using)
            if lineage.stale:
                self._rebuild_in_background(lineage, using)  # nothing while one runs; again if the last one failed
            else:
                self._catch_up(lineage, using)
            return lineage.snapshot

    def _first(self, lineage: Lineage, using: str) -> DirectorySnapshot:
        """A database's first snapshot in this process, without a whole build in the request when
        another database's snapshot can stand in."""
        others = {alias: other.snapshot for alias, other in self._lineages.items() if other.snapshot is not None}
        if using == DEFAULT_DB_ALIAS and others:
            lineage.snapshot = next(iter(others.values()))  # behind the primary or level with it
            self._catch_up(lineage, using)
        elif DEFAULT_DB_ALIAS in others:
            # The replica's own is built aside; meanwhile this request reads the primary throughout.
            self._rebuild_in_background(lineage, using)
            read_from_primary()
            primary = self._lineages[DEFAULT_DB_ALIAS]
            if not primary.stale:
                self._catch_up(primary, DEFAULT_DB_ALIAS)
            return others[DEFAULT_DB_ALIAS] if primary.snapshot is None else primary.snapshot
        else:
            lineage.snapshot, lineage.stale = build_snapshot(using), False
        assert lineage.snapshot is not None
        return lineage.snapshot

    def warm(self, rebuild_timeout: float = 120) -> DirectorySnapshot:
        """Build this process's snapshot now, or bring the one it has up to date, before it takes
        traffic (a server's start-up hook): the replica's when it is configured and usable, as the
        public directory's requests read it. A snapshot too far behind to patch (a worker forked from
        a master that built it long ago) waits here for its rebuild rather than serving old rows."""
        with read_scope(replica=replica_health.current(force=True).usable):
            snapshot = self.current()
            lineage = self._lineage()
            deadline = time.monotonic() + rebuild_timeout
            while lineage is not None and lineage.stale and lineage.rebuilding and time.monotonic() < deadline:
                time.sleep(0.05)
            return lineage.snapshot if lineage is not None and lineage.snapshot is not None else snapshot

    def version(self) -> int:
        """The change version this process's directory reflects."""
        return self.current().seen.version

    def _catch_up(self, lineage: Lineage, using: str) -> None:
        snapshot = lineage.snapshot
        if snapshot is None:  # current() builds the first one; there is nothing to catch up
            return None
        changes = changes_since(snapshot.seen, using, ROW_SOURCES)
        if changes.everything or len(changes.programme_ids) + len(changes.provider_ids) > PATCH_LIMIT:
            lineage.stale = True
            return self._rebuild_in_background(lineage, using)
        if not changes:
            if changes.seen is not snapshot.seen:
                lineage.snapshot = copy.copy(snapshot)  # only expired holes dropped: nothing shown differs
                lineage.snapshot.seen = changes.seen
            return None
        try:
            lineage.snapshot = patch_snapshot(snapshot, changes, using)
        except SnapshotDisagrees:
            lineage.stale = True
            return self._rebuild_in_background(lineage, using)
        if changes.seen.text_version != snapshot.seen.text_version:
            lineage.searches.changed(snapshot.seen.text_version, changes.seen.text_version,
                                     changes.programme_ids, changes.provider_ids)  # fmt: skip
        elif changes.text:  # a change that committed late (a hole filled) moved text, not the version
            lineage.searches.clear()
        if lineage.snapshot.dead_share() > DEAD_SHARE_KEPT:
            self._rebuild_in_background(lineage, using)  # compaction: patching goes on meanwhile
        return None

    def _rebuild_in_background(self, lineage: Lineage, using: str) -> None:
        if not lineage.rebuilding:
            lineage.rebuilding = True
            threading.Thread(target=self._rebuild, args=(lineage, using), daemon=True).start()

    def _rebuild(self, lineage: Lineage, using: str) -> None:
        try:
            snapshot = build_snapshot(using)
            with self._lock:
                # Changes since the build's version are patched in by the next request.
                lineage.snapshot, lineage.stale = snapshot, False
        finally:
            lineage.rebuilding = False
            connections[using].close()  # this thread's own connection

    def _lineage(self) -> Lineage | None:
        return self._lineages.get(directory_database())

    def live_bands(self) -> list:
        """The live framework's bands, best first. A published framework never changes (models and
        database triggers refuse it), so they are kept per framework id, which the snapshot records:
        a newly live framework is an "everything" change that rebuilds it."""
        from reviews.models import Band

        lineage = self._lineage()
        framework_id = lineage.snapshot.live_framework_id if lineage and lineage.snapshot else None
        if framework_id is None or not self.reusing():
            return list(Band.objects.filter(framework__is_live=True).order_by("rank"))
        if framework_id not in self._bands:
            self._bands[framework_id] = list(Band.objects.filter(framework_id=framework_id).order_by("rank"))
        return self._bands[framework_id]

    def search_ids(self, text: str, *, ranked: bool, fetch, recheck: Recheck | None = None) -> np.ndarray:
        """Ids matching a search, from the cache of this request's database's snapshot, brought up to
        its text version. ``fetch`` reads the whole search there (ids, and ranks when ranked);
        ``recheck`` searches only some programmes again (see ``SearchResultCache``)."""
        lineage = self._lineage()
        snapshot = lineage.snapshot if lineage else None
        version = snapshot.seen.text_version if (snapshot and self.reusing()) else None
        if lineage is None or snapshot is None:
            return np.asarray(fetch()[0], dtype=np.int64)
        key = (snapshot.database, " ".join(text.lower().split()), ranked)
        # Only a snapshot with every change up to its version applied names one state of the text.
        shareable = version is not None and snapshot.database and not snapshot.seen.holes
        if not shareable:
            return lineage.searches.get(version, key, fetch, recheck)
        using, reached = directory_database(), snapshot.seen.version
        return lineage.searches.get(
            version, key, fetch, recheck, lineage.shared_searches, lambda old: text_changed_between(old, reached, using)
        )


snapshots = SnapshotHolder()
os.register_at_fork(after_in_child=snapshots.after_fork)
