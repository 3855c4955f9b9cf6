"""Writes that keep ratings in step with the reviews behind them."""

from django.db import connection, transaction
from django.utils import timezone

from ratings.models import StaleRating


def mark_programme_rating_stale(*, programme_id: int) -> None:
    """Record, in the caller's transaction, that a programme's rating must be recomputed, and
    enqueue the recompute once that transaction commits.

    The marker is the promise: if the broker is down or the message is lost, the periodic sweep
    still finds the programme. Call this from every service that publishes or withdraws a review,
    withdraws a programme, or otherwise changes what a rating is computed from.
    """
    StaleRating.objects.update_or_create(programme_id=programme_id, defaults={"marked_at": timezone.now()})
    transaction.on_commit(lambda: enqueue_recompute(programme_id), using=connection.alias)


def enqueue_recompute(programme_id: int) -> None:
    from ratings.tasks import recompute_programme_rating

    try:
        recompute_programme_rating.delay(programme_id)
    except Exception:  # noqa: BLE001 - a broker outage must not fail the user's request; the sweep repairs it.
        import logging

        logging.getLogger(__name__).warning("Could not enqueue rating recompute for programme %s", programme_id)
