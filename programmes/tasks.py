from celery import shared_task

from programmes.search import refresh_search_vectors


@shared_task
def refresh_programme_search_vectors(programme_ids: list[int]) -> int:
    """Idempotent: recomputes the vectors from the rows as they are now."""
    return refresh_search_vectors(programme_ids=programme_ids)


@shared_task(soft_time_limit=1800, time_limit=1900)
def run_import(job_id: str) -> None:
    """Run an import's current step (dry run or import); a finished or claimed step is left alone."""
    from programmes.imports import import_run

    import_run(job_id=job_id)


@shared_task(soft_time_limit=1800, time_limit=1900)
def sweep_import_jobs() -> int:
    """The repair path: run the import steps whose message was lost or whose worker died."""
    from programmes.imports import imports_sweep

    return imports_sweep()


@shared_task
def prune_directory_changes() -> int:
    """Keep the change log short (a web process behind the kept rows reads the register again)."""
    from django.conf import settings

    from programmes.directory_version import prune

    return prune(older_than_seconds=settings.DIRECTORY_CHANGE_LOG_SECONDS)
