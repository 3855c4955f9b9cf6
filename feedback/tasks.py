"""Celery tasks for participant ratings: take ids, call one service, safe to run twice."""

from celery import shared_task


@shared_task
def recompute_participant_rating(programme_id: int) -> None:
    from feedback.services import participant_rating_refresh

    participant_rating_refresh(programme_id=programme_id)


@shared_task
def recompute_all_participant_ratings() -> int:
    """Refresh the register-wide participant mean and every participant rating (nightly)."""
    from feedback.services import participant_ratings_refresh_all

    return participant_ratings_refresh_all()


@shared_task
def sweep_stale_participant_ratings() -> int:
    from feedback.services import stale_participant_ratings_sweep

    return stale_participant_ratings_sweep()
