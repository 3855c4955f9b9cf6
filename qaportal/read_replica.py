"""Reads that tolerate a replica go to the standby; everything else stays on the primary.

Who may read from the replica is decided per request, once, by ``ReplicaReadMiddleware``: an
anonymous GET or HEAD (no session sign-in, no API token) to one of the public directory's views
(``REPLICA_VIEWS``), while the replica is up and no further behind than
``DATABASE_REPLICA_MAX_LAG_SECONDS``. The decision lives in a context variable for the request;
``ReplicaRouter`` reads it. Nothing else is ever routed: the Celery worker, management commands,
background threads (a new thread starts with an empty context) and the test suite read the primary.

Inside an allowed request only the directory's own tables go to the replica (``REPLICA_APPS``):
sessions, users and the rest are read where they are written, so a visitor's compare list or a
sign-in is never read stale. A write in the request, or a transaction opened on the primary, sends
every later read of that request to the primary, so a request always reads its own writes.
"""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
# The public directory, as an anonymous visitor or an API client without a token reads it. Each of
# these views only reads, and what it shows may be a moment old (the lag limit bounds how old).
REPLICA_VIEWS = frozenset(
    {
        "programmes:list",
        "programmes:detail",
        "programmes:badge",
        "providers:list",
        "providers:detail",
        "providers:badge",
        "api:programme-list",
        "api:programme-detail",
        "api:provider-list",
        "api:provider-detail",
        "api:provider-programme-list",
    }
)
# The tables those views show: programmes, providers, ratings, the framework and reviews behind a
# rating, participants' feedback summaries.
REPLICA_APPS = frozenset({"programmes", "providers", "ratings", "reviews", "feedback"})
SAFE_METHODS = ("GET", "HEAD")
# How long a process trusts its last look at the replica: one cheap query a second while it is up,
# one connection attempt every few seconds while it is down.
CHECK_SECONDS = 1.0
DOWN_RECHECK_SECONDS = 5.0


@dataclass
class ReadScope:
    """One request's routing: whether it may read from the replica, and whether it has written."""

    replica: bool = False
    wrote: bool = False


_scope: ContextVar[ReadScope | None] = ContextVar("read_scope", default=None)


@contextmanager
def read_scope(*, replica: bool = False) -> Iterator[ReadScope]:
    """Route this block's reads: from the replica if ``replica`` (and nothing in it writes)."""
    scope = ReadScope(replica=replica)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


def read_from_primary() -> None:
    """Send the rest of this request's reads to the primary (for a replica read that cannot be
    answered at once: the directory before this process has the replica's snapshot)."""
    scope = _scope.get()
    if scope is not None:
        scope.replica = False


class ReplicaRouter:
    """Reads of the directory's tables in a request allowed the replica go there; all else to the primary."""

    def db_for_read(self, model, **hints) -> str:
        scope = _scope.get()
        if (
            scope is not None
            and scope.replica
            and not scope.wrote
            and model._meta.app_label in REPLICA_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # The replica holds the primary's rows: an object read from either may point at the other's.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


def may_read_from_replica(request) -> bool:
    """An anonymous safe request to one of the public directory's views."""
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    return (
        request.method in SAFE_METHODS
        and match is not None
        and match.view_name in REPLICA_VIEWS
        and "HTTP_AUTHORIZATION" not in request.META
        and not (user is not None and user.is_authenticated)
    )


# --- The replica's health ---------------------------------------------------------------------

# Whether it is a standby at all; WAL received but not yet replayed (NULL when nothing has been
# streamed); how long ago the last replayed transaction committed on the primary; whether a WAL
# receiver is running (the row is visible to any user, its details only to privileged ones).
LAG_SQL = """
SELECT pg_is_in_recovery(),
       pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()),
       extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8,
       EXISTS (SELECT 1 FROM pg_stat_wal_receiver)
"""


@dataclass(frozen=True)
class ReplicaState:
    name: str  # "ok", "lagging", "down", "not configured" or "checking"
    detail: str = ""

    @property
    def usable(self) -> bool:
        return self.name == "ok"

    def __str__(self) -> str:
        return f"{self.name}: {self.detail}" if self.detail else self.name


NOT_CONFIGURED = ReplicaState("not configured")
# Another thread of this process is looking at the replica right now; the primary answers meanwhile.
CHECKING = ReplicaState("checking")


def judge(in_recovery: bool, unreplayed_bytes, replay_age, receiving: bool, limit: float) -> ReplicaState:
    """The replica's state from one look at it.

    The replay timestamp alone misleads: on an idle primary it stops advancing and a replica fully
    caught up would look ever further behind. So a replica that has replayed everything it received
    is current whatever that timestamp says, and only one with WAL still to replay is as far behind
    as the last transaction it replayed. One that receives nothing from the primary (its WAL
    receiver stopped) cannot know how far behind it is, and is not used.
    """
    if not in_recovery:
        return ReplicaState("ok")
    if not receiving:
        return ReplicaState("lagging", "not receiving WAL from the primary")
    if unreplayed_bytes is not None and unreplayed_bytes <= 0:
        return ReplicaState("ok")
    if replay_age is None:
        return ReplicaState("lagging", "no transaction replayed yet")
    if replay_age > limit:
        return ReplicaState("lagging", f"{replay_age:.1f} s behind (limit {limit:g} s)")
    return ReplicaState("ok")


class ReplicaHealth:
    """This process's view of the replica: looked at again once it is ``CHECK_SECONDS`` old."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: ReplicaState | None = None
        self._checked_at = 0.0

    def current(self, *, force: bool = False) -> ReplicaState:
        if REPLICA not in settings.DATABASES:
            return NOT_CONFIGURED
        state = self._state
        if not force and state is not None and time.monotonic() - self._checked_at < self._trusted_for(state):
            return state
        if not self._lock.acquire(blocking=force):
            return state or CHECKING
        try:
            state = self._look()
            if state.name != (self._state or NOT_CONFIGURED).name:
                # Operators see each change once per process, not once a second.
                log = logger.info if state.usable else logger.warning
                log("The read replica is now %s%s", state, "" if state.usable else "; reading from the primary")
            self._state, self._checked_at = state, time.monotonic()
            return state
        finally:
            self._lock.release()

    @staticmethod
    def _trusted_for(state: ReplicaState) -> float:
        return DOWN_RECHECK_SECONDS if state.name == "down" else CHECK_SECONDS

    def _look(self) -> ReplicaState:
        limit = settings.DATABASE_REPLICA_MAX_LAG_SECONDS
        # A persistent connection the replica dropped (a restart) fails once; a fresh one tells.
        for attempt in range(2):
            try:
                with connections[REPLICA].cursor() as cursor:
                    cursor.execute(LAG_SQL)
                    in_recovery, unreplayed_bytes, replay_age, receiving = cursor.fetchone()
                    return judge(in_recovery, unreplayed_bytes, replay_age, receiving, limit=limit)
            except DatabaseError as error:
                _close_replica_connection()
                if attempt:
                    logger.info("The read replica's check failed: %s", error)
                    return ReplicaState("down", error.__class__.__name__)
        raise AssertionError("unreachable")


def _close_replica_connection() -> None:
    try:
        connections[REPLICA].close()
    except DatabaseError:
        logger.debug("Closing a broken replica connection failed", exc_info=True)


replica_health = ReplicaHealth()


class ReplicaReadMiddleware:
    """Decide once per request whether its directory reads may come from the replica.

    After the authentication middleware (it asks whether someone is signed in), and after the
    dropped-connection retry, so that its ``process_exception`` runs first: a replica that fails in
    the middle of a request is marked down and the view runs once more, on the primary.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with read_scope():
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        scope = _scope.get()
        # Cheapest first: without a replica nothing is asked of the request or the session.
        if (
            scope is not None
            and REPLICA in settings.DATABASES
            and may_read_from_replica(request)
            and replica_health.current().usable
        ):
            scope.replica = True
        return None

    def process_exception(self, request, exception):
        scope = _scope.get()
        if scope is None or not scope.replica or not isinstance(exception, OperationalError | InterfaceError):
            return None
        if replica_health.current(force=True).usable:
            return None  # the replica answers: the failure was elsewhere
        logger.warning("%s %s failed on the read replica; answering from the primary", request.method, request.path)
        scope.replica = False
        match = request.resolver_match
        return match.func(request, *match.args, **match.kwargs)
