"""The register's change version: what every public page is keyed by (see ``DirectoryChange``).

The version is ``max(version)`` of the change log, which database triggers write in the same
transaction as each public change (migration 0007), so it replicates with the data, survives
restarts and statistics resets, and reads in well under a millisecond (the primary key's index).

Versions are taken when a change is made, not when it commits: a transaction that took version 7
can commit after one that took 8. A reader that has seen 8 therefore remembers 7 as a *hole* and
asks for it again until it appears or is older than ``DIRECTORY_CHANGE_HOLE_SECONDS`` (a rolled
back change never appears). Old rows are pruned (``prune``, a beat task), always keeping the
newest, so the version never goes back; a reader whose version was pruned away rebuilds.
"""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router

from programmes.models import DirectoryChange

# Searches match programmes' and providers' text (and programmes' status): only these move them.
TEXT_SOURCES = {"programmes_programme", "providers_provider"}
HOLES_KEPT = 1000  # more than this many missing versions at once: read the whole register again

CURRENT_SQL = "SELECT coalesce(max(version), 0) FROM programmes_directorychange"
SINCE_SQL = """
SELECT version, programme_ids, provider_ids, everything, source FROM programmes_directorychange
WHERE version > %(version)s OR version = ANY(%(holes)s::bigint[]) ORDER BY version
"""
# At the start of a full load: the version, the recent versions (to find those not committed yet),
# the live framework (whose bands the directory filters by; a new one is an "everything" change) and
# which database this is (its name and object id: a recreated or restored one is another).
START_SQL = """
SELECT coalesce(max(version), 0),
       array(SELECT version FROM programmes_directorychange WHERE changed_at > now() - %s * interval '1 second'),
       (SELECT id FROM reviews_framework WHERE is_live),
       (SELECT datname || ':' || oid FROM pg_database WHERE datname = current_database())
FROM programmes_directorychange
"""
OLDEST_SQL = "SELECT min(version) FROM programmes_directorychange"
BETWEEN_SQL = f"""
SELECT programme_ids, provider_ids, everything, source, ({OLDEST_SQL}) FROM programmes_directorychange
WHERE version > %s AND version <= %s
"""
TEXT_CHANGES_LOOKED_UP = 500  # more programmes and providers than this to search again: search afresh


def hole_seconds() -> float:
    return settings.DIRECTORY_CHANGE_HOLE_SECONDS


@dataclass(frozen=True)
class Seen:
    """What a reader has applied: every change up to ``version`` except the ``holes`` (version:
    when first missed), and the last change to searchable text."""

    version: int
    text_version: int
    holes: dict[int, float] = field(default_factory=dict)


@dataclass
class Changes:
    """Changes a reader has not applied yet, and the ``Seen`` it reaches once it applies them."""

    seen: Seen
    programme_ids: set[int] = field(default_factory=set)
    provider_ids: set[int] = field(default_factory=set)
    everything: bool = False
    text: bool = False  # some of them changed searchable text (a late commit may not move text_version)

    def __bool__(self) -> bool:
        return self.everything or bool(self.programme_ids or self.provider_ids)


def directory_database() -> str:
    """Where this request reads the directory from: the replica in a request allowed it
    (``qaportal.read_replica``), else the primary. The snapshot, its catch-up, the searches and the
    pages' rows are all read there, so that what a page shows is one database's state."""
    return router.db_for_read(DirectoryChange)


def current_version(using: str = DEFAULT_DB_ALIAS) -> int:
    with connections[using].cursor() as cursor:
        cursor.execute(CURRENT_SQL)
        return cursor.fetchone()[0]


def seen_at_start(using: str = DEFAULT_DB_ALIAS) -> tuple[Seen, int | None, str]:
    """Read before a full load (one query, on the database the load reads): what it will have seen,
    where the versions missing among recent ones may still commit after it; the live framework's id;
    and the database's identity."""
    with connections[using].cursor() as cursor:
        cursor.execute(START_SQL, [hole_seconds()])
        version, recent, live_framework_id, database = cursor.fetchone()
    recent, now = set(recent), time.time()
    holes = {v: now for v in range(min(recent, default=version), version) if v not in recent}
    return Seen(version, version, dict(list(holes.items())[-HOLES_KEPT:])), live_framework_id, database


def changes_since(seen: Seen, using: str = DEFAULT_DB_ALIAS, sources: frozenset[str] | None = None) -> Changes:
    """The changes committed since ``seen`` (one indexed query; no rows while nothing changed).

    ``sources``: the tables a reader's rows come from. Changes logged for other tables still move the
    version it reaches, but name no programme or provider for it to read again (a recompute logs the
    programme's criterion scores and its provider's rating too; a programme's row shows neither).

    Read on the database whose rows will be patched in: a log read on the primary applied with
    rows from a standby behind it would mark changes as applied that the rows do not have yet, and
    the snapshot would never show them."""
    with connections[using].cursor() as cursor:
        cursor.execute(SINCE_SQL, {"version": seen.version, "holes": list(seen.holes)})
        rows = cursor.fetchall()
    if not rows:
        return Changes(_without_expired_holes(seen))
    changes = Changes(seen)
    for _, programme_ids, provider_ids, everything, source in rows:
        if sources is None or source in sources:
            changes.programme_ids.update(programme_ids)
            changes.provider_ids.update(provider_ids)
        changes.everything |= everything
        changes.text |= everything or source in TEXT_SOURCES
    changes.seen = _advanced(seen, rows)
    if len(changes.seen.holes) > HOLES_KEPT or _pruned_past(seen, rows, using):
        changes.everything = True
    return changes


def _advanced(seen: Seen, rows: list) -> Seen:
    found = {row[0] for row in rows}
    newest = max(seen.version, max(found))
    now = time.time()
    holes = {v: at for v, at in seen.holes.items() if v not in found}
    holes.update((v, now) for v in range(seen.version + 1, newest) if v not in found)
    text = [row[0] for row in rows if row[4] in TEXT_SOURCES or row[3]]
    return _without_expired_holes(Seen(newest, max([seen.text_version, *text]), holes))


def _without_expired_holes(seen: Seen) -> Seen:
    if not seen.holes:
        return seen
    oldest = time.time() - hole_seconds()
    holes = {version: at for version, at in seen.holes.items() if at > oldest}
    return seen if len(holes) == len(seen.holes) else Seen(seen.version, seen.text_version, holes)


def text_changed_between(old: int, new: int, using: str = DEFAULT_DB_ALIAS) -> tuple[set[int], set[int]] | None:
    """The programmes and providers whose searchable text changed after version ``old`` up to ``new``,
    read from the log (one query): for a search another process kept at ``old``, before this one
    started. ``old`` must be older than ``new``, and both without holes (every change up to them
    committed). None when the log cannot say (a change to everything, rows pruned since) or names
    too many to search again one by one."""
    with connections[using].cursor() as cursor:
        cursor.execute(BETWEEN_SQL, [old, new])
        rows = cursor.fetchall()
    # No row at all: the text change that moved the version past ``old`` was pruned.
    if not rows or rows[0][4] > old + 1 or any(everything for _, _, everything, _, _ in rows):
        return None
    programmes: set[int] = set()
    providers: set[int] = set()
    for programme_ids, provider_ids, _, source, _ in rows:
        if source in TEXT_SOURCES:
            programmes.update(programme_ids)
            providers.update(provider_ids)
    return None if len(programmes) + len(providers) > TEXT_CHANGES_LOOKED_UP else (programmes, providers)


def _pruned_past(seen: Seen, rows: list, using: str) -> bool:
    """Whether rows after ``seen`` may have been pruned: only when the first new one leaves a gap."""
    if min(row[0] for row in rows) <= seen.version + 1:
        return False
    with connections[using].cursor() as cursor:
        cursor.execute(OLDEST_SQL)
        return cursor.fetchone()[0] > seen.version + 1


def prune(*, older_than_seconds: float) -> int:
    """Delete log rows older than this, always keeping the newest (it holds the version)."""
    newest = DirectoryChange.objects.order_by("-version").values_list("version", flat=True).first()
    if newest is None:
        return 0
    old = DirectoryChange.objects.filter(version__lt=newest, changed_at__lt=_seconds_ago(older_than_seconds))
    return old.delete()[0]


def _seconds_ago(seconds: float):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() - timedelta(seconds=seconds)
