from celery import shared_task
from django.conf import settings


@shared_task(soft_time_limit=settings.EXPORT_TASK_SOFT_TIME_LIMIT, time_limit=settings.EXPORT_TASK_TIME_LIMIT)
def build_export(job_id: str) -> None:
    """Build one export file; the service leaves a finished or claimed job alone, so running twice is harmless."""
    from summaries.services import export_run

    export_run(job_id=job_id)


@shared_task(soft_time_limit=settings.EXPORT_TASK_SOFT_TIME_LIMIT, time_limit=settings.EXPORT_TASK_TIME_LIMIT)
def sweep_export_jobs() -> int:
    """The repair path: build the exports whose message was lost or whose worker died."""
    from summaries.services import exports_sweep

    return exports_sweep()


@shared_task(soft_time_limit=900, time_limit=1000)
def compute_agreement(filters: dict) -> None:
    """Fill the cache with reviewer agreement for one selection (the page shows it once it is there).
    Running it twice only recomputes the same figures."""
    from summaries.filters import summary_filterset
    from summaries.selectors import cached_agreement

    filterset = summary_filterset(filters)
    if filterset.is_valid():
        cached_agreement(scope=filterset.scope(), compute=True)


@shared_task
def delete_expired_exports() -> int:
    """The hourly clean-up (CELERY_BEAT_SCHEDULE): delete export files past their lifetime."""
    from summaries.services import exports_delete_expired

    return exports_delete_expired()
