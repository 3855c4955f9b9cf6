"""Export jobs: start one (a row and a task after commit), run one (build the file), clean up expired ones."""

import logging
import os
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from summaries.exports.tables import summary_table_list
from summaries.filters import summary_filterset
from summaries.models import ExportFormat, ExportJob, ExportStatus
from summaries.selectors import cached_summary_tables

logger = logging.getLogger(__name__)

# How long a finished file is kept; the periodic clean-up deletes it afterwards.
EXPORT_LIFETIME = timedelta(hours=getattr(settings, "SUMMARIES_EXPORT_LIFETIME_HOURS", 24))


class SummariesError(Exception):
    """The summaries' domain errors: shown as a form error on the page and as a 400/409 in the API."""


class InvalidFilters(SummariesError):
    def __init__(self, errors: dict):
        super().__init__("The summary filters are not valid")
        self.errors = errors


class ExportNotAvailable(SummariesError):
    """Not ready yet, failed, or expired (its file is gone)."""


def export_start(*, requested_by, export_format: str, filters: dict[str, list[str]]) -> ExportJob:
    """Record an export job and queue its task once the row is committed."""
    if export_format not in ExportFormat.values:
        raise SummariesError(f"Choose CSV, XLSX or PDF, not {export_format!r}")
    filterset = summary_filterset(filters)
    if not filterset.is_valid():
        raise InvalidFilters(filterset.errors)
    job = ExportJob.objects.create(requested_by=requested_by, format=export_format, filters=filterset.normalised())
    from summaries.tasks import build_export

    transaction.on_commit(lambda: build_export.delay(str(job.pk)))
    return job


def export_run(*, job_id) -> ExportJob:
    """Build the job's file. Safe to run twice: a finished job is left alone and a rerun overwrites
    the same file name, so a redelivered task after a lost worker simply starts again."""
    job = ExportJob.objects.get(pk=job_id)
    if job.is_finished:
        return job
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), progress=0, progress_note="Starting", error=""
    )
    name = f"exports/{job.pk}.{job.format}"
    path = default_storage.path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = f"{path}.part"
    try:
        _build(job, partial)
        os.replace(partial, path)
    except Exception as error:
        logger.exception("Export %s failed", job.pk)
        _remove(partial)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED,
            finished_at=timezone.now(),
            error=str(error)[:2000],
            progress_note="Failed",
        )
        job.refresh_from_db()
        return job
    finished = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.READY,
        file=name,
        file_size=os.path.getsize(path),
        progress=100,
        progress_note="Ready",
        finished_at=finished,
        expires_at=finished + EXPORT_LIFETIME,
    )
    job.refresh_from_db()
    return job


def _remove(path: str) -> None:
    if os.path.exists(path):
        os.remove(path)


def export_report_progress(*, job_id, percent: int, note: str) -> None:
    """Written straight away (outside any transaction) so the progress bar moves while the file grows."""
    ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(
        progress=max(0, min(int(percent), 99)), progress_note=note[:200]
    )


def _build(job: ExportJob, path: str) -> None:
    from summaries.exports import csv, pdf, xlsx

    filterset = summary_filterset(job.filters)
    if not filterset.is_valid():
        raise SummariesError(f"The stored filters are no longer valid: {dict(filterset.errors)}")
    scope = filterset.scope()
    if job.format == ExportFormat.CSV:
        total = scope.programmes.count()
        csv.write_programme_csv(path, scope=scope, progress=_row_progress(job, total, start=2, end=99))
        return
    export_report_progress(job_id=job.pk, percent=2, note="Computing the summary tables")
    tables = cached_summary_tables(scope=scope)
    table_list = summary_table_list(tables)
    if job.format == ExportFormat.XLSX:
        total = tables.programme_count
        export_report_progress(job_id=job.pk, percent=15, note="Writing the tables")
        xlsx.write_workbook(
            path, tables=tables, table_list=table_list, progress=_row_progress(job, total, start=15, end=95)
        )
        export_report_progress(job_id=job.pk, percent=97, note="Saving the workbook")
        return
    export_report_progress(job_id=job.pk, percent=60, note="Typesetting the report")
    pdf.write_report(path, tables=tables, table_list=table_list)


def _row_progress(job: ExportJob, total: int, *, start: int, end: int):
    def report(done: int) -> None:
        share = done / total if total else 1
        note = f"Written {done:,} of {total:,} programmes"
        export_report_progress(job_id=job.pk, percent=start + (end - start) * share, note=note)

    return report


def exports_delete_expired(*, now=None) -> int:
    """Delete the files of exports past their expiry and mark them expired; returns how many."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(status=ExportStatus.READY, expires_at__lte=now)
    deleted = 0
    for job in expired.only("pk", "file"):
        if job.file:
            default_storage.delete(job.file.name)
        # Conditional, so a concurrent clean-up never counts or marks a job twice.
        deleted += ExportJob.objects.filter(pk=job.pk, status=ExportStatus.READY).update(
            status=ExportStatus.EXPIRED, file="", progress_note="Expired: the file has been deleted"
        )
    return deleted
