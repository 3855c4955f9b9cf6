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


# Also how long a queued computation of agreement stops another being queued (summaries.services).
AGREEMENT_TIME_LIMIT = 1000


@shared_task(soft_time_limit=900, time_limit=AGREEMENT_TIME_LIMIT)
def compute_agreement(filters: dict) -> None:
    """Fill the cache with reviewer agreement for one selection (the page and the API show it once
    it is there). Running it twice only recomputes the same figures."""
    from summaries.services import agreement_compute

    agreement_compute(filters=filters)


@shared_task
def delete_expired_exports() -> int:
    """The hourly clean-up (CELERY_BEAT_SCHEDULE): delete export files past their lifetime."""
    from summaries.services import exports_delete_expired

    return exports_delete_expired()
