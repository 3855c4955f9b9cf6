"""Writes that keep ratings in step with the reviews behind them.

The stale marker (``StaleRating``) is the promise: it is written in the transaction that changes
what a rating is computed from, so a broker outage or a lost message never loses the change.
Tasks are only the fast path; ``stale_ratings_sweep`` (run by beat) repairs whatever is left.
"""

import logging
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from programmes.vocabulary import ProgrammeStatus
from qaportal import outbox
from ratings import engine
from ratings.models import FrameworkPublication, FullRecomputeRequest, ProgrammeRating, StaleRating

logger = logging.getLogger(__name__)


def mark_programme_rating_stale(*, programme_id: int) -> None:
    """Record, in the caller's transaction, that a programme's rating must be recomputed, and
    enqueue the recompute once that transaction commits.

    Call this from every service that publishes or withdraws a review, withdraws a programme, or
    otherwise changes what a rating is computed from. Marking again moves ``marked_at`` on and
    releases any sweep's claim, so a recompute already running will not clear the new marker.
    """
    outbox.mark_stale(StaleRating, programme_id)
    transaction.on_commit(lambda: enqueue_recompute(programme_id), using=connection.alias)


def mark_all_ratings_stale(*, enqueue: bool = True) -> int:
    """Mark every published programme's rating stale (set-based), request a whole-register
    recompute (a durable row) and, unless the caller sends its own task for it (``enqueue=False``),
    enqueue it after commit: for a change that affects every rating, such as a new framework
    version. Returns how many programmes were marked."""
    now = timezone.now()
    request_full_recompute(now=now)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ratings_stalerating (programme_id, marked_at, claimed_until) "
            "SELECT id, %s, NULL FROM programmes_programme WHERE status = %s "
            "ON CONFLICT (programme_id) DO UPDATE SET marked_at = EXCLUDED.marked_at, claimed_until = NULL",
            [now, ProgrammeStatus.PUBLISHED],
        )
        marked: int = cursor.rowcount
    if enqueue:
        transaction.on_commit(enqueue_full_recompute, using=connection.alias)
    return marked


def enqueue_recompute(programme_id: int) -> None:
    from ratings.tasks import recompute_programme_rating

    outbox.publish(recompute_programme_rating, programme_id, what=f"the rating recompute of programme {programme_id}")


def enqueue_full_recompute() -> None:
    from ratings.tasks import recompute_all_ratings

    outbox.publish(recompute_all_ratings, what="the whole-register rating recompute")


# --- The whole-register recompute as a durable request ---------------------------------------


def request_full_recompute(*, now: datetime | None = None) -> None:
    """Record, in the caller's transaction, that the whole register must be recomputed. Asking again
    moves ``requested_at`` on and releases any claim, so a recompute already running does not clear
    the newer request."""
    FullRecomputeRequest.objects.bulk_create(
        [FullRecomputeRequest(id=1, requested_at=now or timezone.now(), claimed_until=None)],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["requested_at", "claimed_until"],
    )


def full_recompute_run(*, only_if_requested: bool, progress: engine.Progress | None = None) -> int | None:
    """Claim the whole-register recompute request and run it; None if there was nothing to claim.

    The nightly task (``only_if_requested=False``) writes the request first, so that a worker killed
    in the middle leaves a request behind for the sweep. The sweep (True) takes only a request that
    is unclaimed and older than the grace period, or whose claim expired.
    """
    if not only_if_requested:
        FullRecomputeRequest.objects.bulk_create(
            [FullRecomputeRequest(id=1, requested_at=timezone.now())], ignore_conflicts=True
        )
    requested_at = claim_full_recompute(fresh_too=not only_if_requested)
    if requested_at is None:
        return None

    def renew_claim_then_report(step: str) -> None:
        # Each step renews the claim, so the sweep never takes a recompute that is still running.
        FullRecomputeRequest.objects.filter(id=1).update(claimed_until=outbox.claim_expiry(timezone.now()))
        if progress is not None:
            progress(step)

    rated = ratings_refresh_all(progress=renew_claim_then_report)
    FullRecomputeRequest.objects.filter(id=1, requested_at=requested_at).delete()
    # Any framework publication waiting for its recompute has had it, whichever path ran it (its
    # own task, the nightly run or the sweep repairing a killed worker).
    FrameworkPublication.objects.filter(finished_at__isnull=True, started_at__lte=requested_at).update(
        finished_at=timezone.now(), rated_programmes=rated, steps_done=len(engine.RECOMPUTE_STEPS)
    )
    return rated


def claim_full_recompute(*, fresh_too: bool) -> datetime | None:
    """A short committed claim of the request (SKIP LOCKED: a concurrent claimer simply gets none)."""
    now = timezone.now()
    with transaction.atomic():
        pending = FullRecomputeRequest.objects.select_for_update(skip_locked=True).filter(
            _claimable(now, fresh_too=fresh_too)
        )
        requested_at = pending.values_list("requested_at", flat=True).first()
        if requested_at is None:
            return None
        FullRecomputeRequest.objects.filter(id=1).update(claimed_until=outbox.claim_expiry(now))
        return requested_at


def _claimable(now: datetime, *, fresh_too: bool) -> Q:
    never_claimed = Q(claimed_until__isnull=True)
    if not fresh_too:
        never_claimed &= Q(requested_at__lt=outbox.unclaimed_since(now))
    return never_claimed | Q(claimed_until__lt=now)


def enqueue_publication_recompute(publication_id: int) -> None:
    from ratings.tasks import recompute_for_publication

    outbox.publish(
        recompute_for_publication, publication_id, what=f"the recompute of framework publication {publication_id}"
    )


def publication_recompute(*, publication_id: int) -> int:
    """The one whole-register recompute after a framework is published (the durable request the
    publication wrote, claimed like any other), recording each step as it finishes. Steps are
    written on a connection of their own: the recompute is one transaction, and the progress page
    must see them before it commits. Safe to run twice: a second delivery finds the request claimed
    or gone and leaves the publication to the run that has it."""
    publication = FrameworkPublication.objects.get(pk=publication_id)
    if publication.finished_at is not None:
        return publication.rated_programmes or 0
    progress_connection = connections.create_connection(DEFAULT_DB_ALIAS)
    done = []

    def record_step(step: str) -> None:
        done.append(step)
        with progress_connection.cursor() as cursor:
            cursor.execute(
                "UPDATE ratings_frameworkpublication SET steps_done = %s, current_step = %s WHERE framework_id = %s",
                [len(done), step, publication.framework_id],
            )

    try:
        rated = full_recompute_run(only_if_requested=False, progress=record_step)
    finally:
        progress_connection.close()
    return rated or 0


def programme_rating_refresh(*, programme_id: int) -> ProgrammeRating | None:
    """Recompute one programme's rating and clear its stale marker unless it was marked again
    while the recompute ran."""
    seen = stale_markers_seen([programme_id])
    rating = engine.recompute_programme(programme_id=programme_id)
    clear_stale_markers(seen)
    return rating


def ratings_refresh_all(*, progress: engine.Progress | None = None) -> int:
    """Recompute the whole register and clear every marker it has covered."""
    seen = stale_markers_seen(None)
    rated = engine.recompute_all(progress=progress)
    clear_stale_markers(seen)
    return rated


def stale_ratings_sweep(*, batch_size: int = 500, max_batches: int | None = None) -> int:
    """Recompute stale ratings in claimed batches until none are left; returns how many.

    A claim is a short committed update (``claimed_until``), so concurrent sweeps take disjoint
    batches without holding locks that would block a publisher, and a sweep that dies releases
    its batch when the claim expires.
    """
    done, batches = 0, 0
    while max_batches is None or batches < max_batches:
        claimed = claim_stale_batch(batch_size=batch_size)
        if not claimed:
            break
        engine.recompute_programmes(programme_ids=list(claimed))
        clear_stale_markers(claimed)
        done += len(claimed)
        batches += 1
    return done


def claim_stale_batch(*, batch_size: int) -> dict[int, datetime]:
    """Claim up to ``batch_size`` unclaimed (or expired) markers, oldest first."""
    now = timezone.now()
    # Short, and taken again for each batch: a sweep killed mid-batch frees it within a minute.
    return outbox.claim_marker_batch(StaleRating, batch_size=batch_size, claim_until=outbox.claim_expiry(now), now=now)


def stale_markers_seen(programme_ids: list[int] | None) -> dict[int, datetime]:
    """The markers as they are before a recompute reads the data (all of them for None)."""
    return outbox.markers_seen(StaleRating, programme_ids)


def clear_stale_markers(seen: dict[int, datetime]) -> int:
    """Delete the markers a recompute has covered; a programme marked again meanwhile stays marked."""
    return outbox.clear_markers(StaleRating, seen)
