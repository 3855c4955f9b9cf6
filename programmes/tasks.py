from celery import shared_task

from programmes.search import refresh_search_vectors


@shared_task
def refresh_programme_search_vectors(programme_ids: list[int]) -> int:
    """Idempotent: recomputes the vectors from the rows as they are now."""
    return refresh_search_vectors(programme_ids=programme_ids)


@shared_task
def prune_directory_changes() -> int:
    """Keep the change log short (a web process behind the kept rows reads the register again)."""
    from django.conf import settings

    from programmes.directory_version import prune

    return prune(older_than_seconds=settings.DIRECTORY_CHANGE_LOG_SECONDS)
