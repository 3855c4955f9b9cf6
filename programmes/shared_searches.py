"""Searches' matches shared by every web process through the cache (Redis), keyed by text version.

Why: each process keeps its recent searches (``programmes.facets.SearchResultCache``), but a register
served by several processes, and by several machines, met most searches in a process that had not
seen them yet, and a broad term's first search is by far the most expensive part of a directory
page. Here the first process to search a term leaves its matches for the others.

An entry holds the matching ids (and ranks, when ranked) as they are at one text version of the
change log. It is written only by a process whose snapshot has no holes (every change up to that
version applied): then that version names one state of the register's text, whichever process
reached it. A reader uses an entry at its own version as it is, and one at an older version only
when it knows which programmes changed since (it re-searches just those). The key names the
database (its name and object id, so a recreated or restored database never meets another's
entries); a standby shares its primary's. Whatever goes wrong with the cache costs a search, never
a page: the cache backend degrades to local memory while Redis is down.
"""

import hashlib
import logging
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache

logger = logging.getLogger(__name__)

LIFETIME_SECONDS = 600
MOST_IDS_SHARED = 400_000  # more matches than this (more than the register holds today): not shared


@dataclass
class CachedSearch:
    """A search's matches at one text version, kept by a process or shared between them."""

    ids: np.ndarray  # in relevance order (rank descending, then id) when ranked
    ranks: np.ndarray | None  # aligned with ids, when ranked
    version: int  # the text version they are right at


class SharedSearches:
    """The shared searches as this process reads and writes them. A search's key names the database
    it was made on (its name and object id, as ``seen_at_start`` reads them), the words and the order."""

    def __init__(self) -> None:
        self.generation = 0  # moved by ``forget``: this process stops reading what it shared before

    def forget(self) -> None:
        self.generation += 1

    def _key(self, key: tuple) -> str:
        digest = hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()
        return f"directory-search:{self.generation}:{digest}"

    def get(self, key: tuple) -> CachedSearch | None:
        try:
            stored = cache.get(self._key(key))
        except Exception:  # a broken entry or cache: search instead
            logger.warning("Could not read a shared search", exc_info=True)
            return None
        if stored is None:
            return None
        version, ids, ranks = stored
        return CachedSearch(
            np.frombuffer(ids, dtype=np.int64),
            None if ranks is None else np.frombuffer(ranks, dtype=np.float32).astype(np.float64),
            version,
        )

    def put(self, key: tuple, ids: np.ndarray, ranks: np.ndarray | None, version: int) -> None:
        if len(ids) > MOST_IDS_SHARED:
            return
        # Ranks come from PostgreSQL's float4: held as float32 they are the same numbers.
        packed_ranks = None if ranks is None else ranks.astype(np.float32).tobytes()
        stored = (version, ids.astype(np.int64).tobytes(), packed_ranks)
        try:
            cache.set(self._key(key), stored, LIFETIME_SECONDS)
        except Exception:
            logger.warning("Could not share a search", exc_info=True)
