"""What every durable task shares: how long a claim lasts, and publishing that never fails a request.

Each task a request promises has a row written in the request's own transaction (a stale rating,
an owed e-mail, an export job, a whole-register recompute request). A task message is only the fast
path: a worker claims the row with a short committed update, and a periodic sweep runs whatever is
unclaimed or whose claim has expired. So a message lost while the broker was down, or a worker killed
in the middle, costs a delay of at most a claim and a sweep, never the work.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

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


def claim_unsent(queryset, pk: int, now: datetime | None = None) -> bool:
    """Claim one owed e-mail row (``sent_at`` and ``claimed_until`` columns) for this worker with a
    short committed update; False if it was sent already or another worker holds the claim."""
    from django.db.models import Q

    now = now or timezone.now()
    claimed = (
        queryset.filter(pk=pk, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=claim_expiry(now))
    )
    return claimed == 1


def owed_ids(queryset, *, limit: int = 500) -> list[int]:
    """Owed rows a sweep should send: unsent, past the grace period, and unclaimed or whose claim expired."""
    from django.db.models import Q

    now = timezone.now()
    owed = queryset.filter(sent_at__isnull=True, created_at__lt=unclaimed_since(now)).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    return list(owed.values_list("id", flat=True)[:limit])
