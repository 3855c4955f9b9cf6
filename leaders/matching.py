"""Which recently published programmes each saved search matches, for the leaders' digest.

Set-based, through the directory's in-memory snapshot: the recently published rows become one
packed row mask, and each distinct search's filters are the FilterSet's own packed masks (the
ones the directory page applies), so a search costs a few bitwise ANDs rather than a query. Search
words go through the directory's cached search, one query per distinct text at most. The result
is the same as applying each search's FilterSet conditions in SQL to the recent programmes
(``tests/leaders/test_digest_matching.py`` holds the two side by side).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
from django.http import QueryDict

from programmes.directory_version import changes_since
from programmes.facets import DirectorySnapshot, build_snapshot, pack, snapshots, unpack
from programmes.filters import ProgrammeFilter
from programmes.selectors import matching_ids

Search = Callable[[str], np.ndarray]
# A snapshot still behind the change log after this many catch-ups (a rebuild under way in the
# background) is not used: a fresh one is read, so no programme published meanwhile is missed.
CATCH_UPS = 3


def up_to_date_snapshot() -> tuple[DirectorySnapshot, Search]:
    """A snapshot with every committed change in it, and the search to use with it (the cached one
    while the process's snapshot is current; straight from the database with a fresh build)."""
    for _ in range(CATCH_UPS):
        snapshot = snapshots.current()
        if not changes_since(snapshot.seen):
            return snapshot, _cached_search
    return build_snapshot(), _uncached_search


def _cached_search(text: str) -> np.ndarray:
    return snapshots.search_ids(text, ranked=False, fetch=lambda: (matching_ids(text, ranked=False), None))


def _uncached_search(text: str) -> np.ndarray:
    return matching_ids(text, ranked=False)


def programmes_matching(queries: Iterable[str], programme_ids: Sequence[int]) -> dict[str, np.ndarray]:
    """query → ids (ascending) of those among ``programme_ids`` that the saved search matches.

    ``programme_ids`` are published programmes (the recently published ones); each query is a
    saved search's directory query string, filtered exactly as the directory filters it.
    """
    snapshot, search = up_to_date_snapshot()
    recent = np.zeros(len(snapshot), dtype=bool)
    recent[snapshot.positions_of(programme_ids)] = True
    recent_rows = pack(recent) & snapshot.alive
    filterset = ProgrammeFilter(QueryDict(), bands=snapshots.live_bands())
    masks: dict[tuple[str, str], np.ndarray] = {}
    found = {}
    for query in set(queries):
        matching = recent_rows.copy()
        for mask in _search_masks(_bound(filterset, query), snapshot, search, masks):
            np.bitwise_and(matching, mask, out=matching)
        found[query] = np.sort(snapshot.ids[np.flatnonzero(unpack(matching, len(snapshot)))])
    return found


def _bound(filterset: ProgrammeFilter, query: str) -> ProgrammeFilter:
    """The one filter set, its form bound to this query and validated afresh.

    Why one: making a filter set and its form deep-copies every filter and field (the local
    authorities' choices among them), which was nearly all of a search's cost; validation keeps
    nothing from one query to the next but the errors and cleaned data, both reset here.
    """
    form = filterset.form
    form.data, form.is_bound = QueryDict(query), True
    form._errors = None  # type: ignore[attr-defined]  # Django re-validates when this is None
    filterset.data, filterset.is_bound = form.data, True
    return filterset


def _search_masks(
    filterset: ProgrammeFilter, snapshot: DirectorySnapshot, search: Search, known: dict[tuple[str, str], np.ndarray]
) -> list[np.ndarray]:
    """The packed masks of one saved search's active filters; ``known`` keeps each (filter, value)'s
    mask, since many searches share a region, a phase or a word."""
    masks = []
    for name, value in filterset.active_filters().items():
        key = (name, repr(value))
        if key not in known:
            if name == "q":
                known[key] = snapshot.search_rows(search(str(value)))[1]
            else:
                known[key] = filterset.condition_filter(name).packed_mask(value, snapshot)
        masks.append(known[key])
    return masks
