"""What every durable task shares: how long a claim lasts, and publishing that never fails a request.

Each task a request promises has a row written in the request's own transaction (a stale rating,
an owed e-mail, an export job, a whole-register recompute request). A task message is only the fast
path: a worker claims the row with a short committed update, and a periodic sweep runs whatever is
unclaimed or whose claim has expired. So a message lost while the broker was down, or a worker killed
in the middle, costs a delay of at most a claim and a sweep, never the work.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def claim_expiry(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)


def unclaimed_since(now: datetime | None = None) -> datetime:
    """Rows created before this and never claimed are taken by a sweep: their message is late or lost."""
    return (now or timezone.now()) - timedelta(seconds=settings.OUTBOX_GRACE_SECONDS)


def publish(task, *args, what: str) -> bool:
    """Send ``task`` with ``args`` if the broker answers; True if it was sent.

    Never raises: the caller's row is already committed, and a sweep runs it if no message does.
    A broker that is down costs at most CELERY_BROKER_CONNECTION_TIMEOUT, as publishing is not retried.
    """
    # Whatever the broker's failure, the request must not fail: the sweep runs the row.
    try:
        task.delay(*args)
    except Exception:
        logger.warning("Could not publish %s; the sweep will run it", what, exc_info=True)
        return False
    return True


def publish_on_commit(task_path: str, *args: Any, what: str) -> None:
    """Once the caller's transaction commits (its row with it), publish the task at the dotted
    ``task_path``. It is imported only then, as a tasks module imports the services that owe it."""
    transaction.on_commit(lambda: publish(import_string(task_path), *args, what=what))


def claim_unsent(queryset, pk: int, now: datetime | None = None) -> bool:
    """Claim one owed e-mail row (``sent_at`` and ``claimed_until`` columns) for this worker with a
    short committed update; False if it was sent already or another worker holds the claim."""
    now = now or timezone.now()
    claimed = (
        queryset.filter(pk=pk, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=claim_expiry(now))
    )
    return claimed == 1


def owed_ids(queryset, *, limit: int = 500) -> list[int]:
    """Owed rows a sweep should send: unsent, past the grace period, and unclaimed or whose claim expired."""
    now = timezone.now()
    owed = queryset.filter(sent_at__isnull=True, created_at__lt=unclaimed_since(now)).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    return list(owed.values_list("id", flat=True)[:limit])


def claim_oldest_job(unfinished: QuerySet, *, fresh_too: bool, **started: object):
    """A short committed claim of the oldest job in ``unfinished`` that no worker holds, skipping any
    another transaction is claiming; its id, or None. ``fresh_too`` takes a job inside the grace
    period too (its own task is running it); a sweep leaves those to their message. The claimed row
    gets the claim's expiry, ``started_at`` and the ``started`` fields (its status, progress reset)."""
    now = timezone.now()
    claimable = Q(claimed_until__isnull=True)
    if not fresh_too:
        claimable &= Q(created_at__lt=unclaimed_since(now))
    claimable |= Q(claimed_until__lt=now)
    with transaction.atomic():
        job_id = (
            unfinished.select_for_update(skip_locked=True)
            .filter(claimable)
            .order_by("created_at")
            .values_list("pk", flat=True)
            .first()
        )
        if job_id is not None:
            unfinished.model.objects.filter(pk=job_id).update(
                claimed_until=claim_expiry(now), started_at=now, **started
            )
        return job_id


# A stale marker table has one row a programme (``programme_id``, ``marked_at``, ``claimed_until``):
# the promise that the programme's figures will be recomputed. The four functions below are the
# whole protocol; the table names come from the models, never from input.


def mark_stale(markers: type[Model], programme_id: int) -> None:
    """Write the programme's marker in the caller's transaction. Marking again moves ``marked_at`` on
    and releases any sweep's claim, so a recompute already running will not clear the new marker."""
    markers._default_manager.bulk_create(
        [markers(programme_id=programme_id, marked_at=timezone.now(), claimed_until=None)],
        update_conflicts=True,
        unique_fields=["programme"],
        update_fields=["marked_at", "claimed_until"],
    )


def claim_marker_batch(
    markers: type[Model], *, batch_size: int, claim_until: datetime, now: datetime
) -> dict[int, datetime]:
    """Claim up to ``batch_size`` unclaimed (or expired) markers, oldest first, with a short committed
    update that skips rows another sweep is claiming; their programme ids and ``marked_at``."""
    table = markers._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET claimed_until = %s WHERE programme_id IN ("
            f"  SELECT programme_id FROM {table}"
            "  WHERE claimed_until IS NULL OR claimed_until < %s"
            "  ORDER BY marked_at LIMIT %s FOR UPDATE SKIP LOCKED"
            ") RETURNING programme_id, marked_at",
            [claim_until, now, batch_size],
        )
        return dict(cursor.fetchall())


def markers_seen(markers: type[Model], programme_ids: list[int] | None) -> dict[int, datetime]:
    """The markers as they are before a recompute reads the data (all of them for None)."""
    rows = markers._default_manager.all()
    if programme_ids is not None:
        rows = rows.filter(programme_id__in=programme_ids)
    return dict(rows.values_list("programme_id", "marked_at"))


def clear_markers(markers: type[Model], seen: dict[int, datetime]) -> int:
    """Delete the markers a recompute has covered: only those still carrying the ``marked_at`` it
    saw before reading the data. A programme marked again meanwhile stays marked."""
    if not seen:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {markers._meta.db_table} AS marker "
            "USING unnest(%s::bigint[], %s::timestamptz[]) AS seen (programme_id, marked_at) "
            "WHERE marker.programme_id = seen.programme_id AND marker.marked_at = seen.marked_at",
            [list(seen), list(seen.values())],
        )
        deleted: int = cursor.rowcount
        return deleted
