from celery import shared_task


@shared_task
def recompute_programme_rating(programme_id: int) -> None:
    """Recompute one programme's rating (and its provider's) from its published reviews."""
    from ratings.engine import recompute_programme

    recompute_programme(programme_id=programme_id)
