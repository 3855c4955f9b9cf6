from celery import shared_task

from programmes.search import refresh_search_vectors


@shared_task
def refresh_programme_search_vectors(programme_ids: list[int]) -> int:
    """Idempotent: recomputes the vectors from the rows as they are now."""
    return refresh_search_vectors(programme_ids=programme_ids)
