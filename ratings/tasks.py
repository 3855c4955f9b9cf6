"""Celery tasks: take ids, call one service, safe to run twice or concurrently.

Every task here is idempotent (a recompute that finds nothing changed writes nothing), so the
project's late acknowledgement applies: a worker that dies mid-task only causes a rerun.
"""

from celery import shared_task


@shared_task
def recompute_programme_rating(programme_id: int) -> None:
    """Recompute one programme's rating (and its provider's) and clear its stale marker."""
    from ratings.services import programme_rating_refresh

    programme_rating_refresh(programme_id=programme_id)


@shared_task
def recompute_all_ratings() -> int | None:
    """Recompute every rating in the register (a new framework version; nightly, to refresh the prior).
    None if another worker holds the claim on it."""
    from ratings.services import full_recompute_run

    return full_recompute_run(only_if_requested=False)


@shared_task
def sweep_stale_ratings() -> int:
    """The repair path for lost messages and killed workers: an owed whole-register recompute
    first, then whatever is still marked stale."""
    from ratings.services import full_recompute_run, stale_ratings_sweep

    full_recompute_run(only_if_requested=True)
    return stale_ratings_sweep()


@shared_task
def recompute_for_publication(publication_id: int) -> int:
    """Recompute the register after a framework version is published, recording progress."""
    from ratings.services import publication_recompute

    return publication_recompute(publication_id=publication_id)
