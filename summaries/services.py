"""Export jobs: start one (a row and a task after commit), run one (build the file), clean up expired ones."""

import logging
import os
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from qaportal import outbox
from qaportal.errors import Gone, InvalidTransition, ValidationFailed
from ratings.agreement import AgreementReport
from summaries.exports.tables import summary_table_list
from summaries.filters import SummaryFilterSet, SummaryScope, summary_filterset
from summaries.models import ExportFormat, ExportJob, ExportStatus
from summaries.selectors import (
    SummaryTables,
    agreement_cache_key,
    agreement_table,
    cached_agreement_report,
    cached_summary_tables,
    summary_cache_key,
)
from summaries.tasks import AGREEMENT_TIME_LIMIT, compute_agreement

logger = logging.getLogger(__name__)

# An export job's id: its UUID, or that UUID written out (as a task's argument is).
JobId = uuid.UUID | str


EXPIRED = "This export has expired and its file has been deleted; start a new one."


def export_file(job: ExportJob) -> "File[bytes]":
    """The finished file, open for reading; Gone once it has expired (even before the clean-up
    deleted it), InvalidTransition while it is not ready."""
    from summaries import policies

    if not policies.export_is_downloadable(job):
        if job.status in (ExportStatus.READY, ExportStatus.EXPIRED):
            raise Gone(EXPIRED)
        raise InvalidTransition(f"This export is {job.get_status_display().lower()}.")
    try:
        return job.file.open("rb")
    except FileNotFoundError as gone:
        raise Gone(EXPIRED) from gone


def valid_export_filters(filters: dict[str, list[str]]) -> SummaryFilterSet:
    """The filters of an export, or ValidationFailed saying which are wrong."""
    filterset = summary_filterset(filters)
    if not filterset.is_valid():
        raise ValidationFailed({field: list(messages) for field, messages in filterset.errors.items()})
    return filterset


def export_start(*, requested_by: User, export_format: str, filters: dict[str, list[str]]) -> ExportJob:
    """Record an export job (the durable promise) and queue its task once the row is committed; with
    the broker down the job waits for ``exports_sweep``."""
    if export_format not in ExportFormat.values:
        raise ValidationFailed({"format": [f"Choose CSV, XLSX or PDF, not {export_format!r}"]})
    filterset = valid_export_filters(filters)
    job = ExportJob.objects.create(requested_by=requested_by, format=export_format, filters=filterset.normalised())
    from summaries.tasks import build_export

    transaction.on_commit(lambda: outbox.publish(build_export, str(job.pk), what=f"export {job.pk}"))
    return job


def export_run(*, job_id: JobId) -> ExportJob:
    """Claim the job and build its file. Safe to run twice: a finished job, or one another worker
    holds the claim on, is left alone; a job whose worker died (its claim expired) starts again."""
    job = ExportJob.objects.get(pk=job_id)
    if job.is_finished or not _claim(Q(pk=job.pk), fresh_too=True):
        return job
    return _build_claimed(job.pk)


def exports_sweep(*, limit: int = 20) -> int:
    """Build the exports that no worker has: their message was lost (the broker was down when they
    were asked for) or their worker died. Returns how many it built."""
    built = 0
    while built < limit:
        job_id = _claim(Q(), fresh_too=False)
        if job_id is None:
            break
        _build_claimed(job_id)
        built += 1
    return built


def _claim(which: Q, *, fresh_too: bool) -> uuid.UUID | None:
    """A short committed claim of one unfinished job (the oldest that ``which`` allows), skipping any
    another transaction is claiming; its id, or None."""
    unfinished = ExportJob.objects.filter(which, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])
    started = {"status": ExportStatus.RUNNING, "progress": 0, "progress_note": "Starting", "error": ""}
    job_id: uuid.UUID | None = outbox.claim_oldest_job(unfinished, fresh_too=fresh_too, **started)
    return job_id


def _build_claimed(job_id: JobId) -> ExportJob:
    job = ExportJob.objects.get(pk=job_id)
    name = f"exports/{job.pk}.{job.format}"
    path = default_storage.path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # Its own partial file: a second run after an expired claim never writes into the first one's.
    partial = f"{path}.{uuid.uuid4().hex}.part"
    try:
        _build(job, partial)
        os.replace(partial, path)
    except Exception as error:
        logger.exception("Export %s failed", job.pk)
        _remove(partial)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED,
            claimed_until=None,
            finished_at=timezone.now(),
            error=str(error)[:2000],
            progress_note="Failed",
        )
        job.refresh_from_db()
        return job
    finished = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.READY,
        claimed_until=None,
        file=name,
        file_size=os.path.getsize(path),
        progress=100,
        progress_note="Ready",
        finished_at=finished,
        expires_at=finished + timedelta(hours=settings.SUMMARIES_EXPORT_LIFETIME_HOURS),
    )
    job.refresh_from_db()
    return job


def _remove(path: str) -> None:
    if os.path.exists(path):
        os.remove(path)


def export_report_progress(*, job_id: JobId, percent: float, note: str) -> None:
    """Written straight away (outside any transaction) so the progress bar moves while the file grows;
    it renews the worker's claim too, so a long export is not taken from a live worker."""
    ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(
        progress=max(0, min(int(percent), 99)), progress_note=note[:200], claimed_until=outbox.claim_expiry()
    )


def _build(job: ExportJob, path: str) -> None:
    from summaries.exports import csv, pdf, xlsx

    filterset = summary_filterset(job.filters)
    if not filterset.is_valid():
        raise ValidationFailed(f"The stored filters are no longer valid: {dict(filterset.errors)}")
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


def _row_progress(job: ExportJob, total: int, *, start: int, end: int) -> Callable[[int], None]:
    def report(done: int) -> None:
        share = done / total if total else 1
        note = f"Written {done:,} of {total:,} programmes"
        export_report_progress(job_id=job.pk, percent=start + (end - start) * share, note=note)

    return report


def exports_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the files of exports past their expiry and mark them expired; returns how many."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(status=ExportStatus.READY, expires_at__lte=now)
    deleted = 0
    for job in expired.only("pk", "file"):
        if job.file and job.file.name:
            default_storage.delete(job.file.name)
        # Conditional, so a concurrent clean-up never counts or marks a job twice.
        deleted += ExportJob.objects.filter(pk=job.pk, status=ExportStatus.READY).update(
            status=ExportStatus.EXPIRED, file="", progress_note="Expired: the file has been deleted"
        )
    return deleted


# --- Reviewer agreement: the page and the API ask the same cache and queue the same task ------


def summary_tables_or_pending(*, filterset: SummaryFilterSet) -> SummaryTables:
    """The summary tables for a page or an API call, which never wait for reviewer agreement:
    it is shown from the cache, or as pending while a worker computes it."""
    scope = filterset.scope()
    key = summary_cache_key(scope=scope)
    report = _report_or_pending(scope=scope, filters=filterset.normalised(), key=agreement_cache_key(key))
    return cached_summary_tables(scope=scope, agreement=agreement_table(report), key=key)


def agreement_report_or_pending(*, filterset: SummaryFilterSet) -> AgreementReport | None:
    """The selection's reviewer agreement from the cache, or None while a worker computes it.

    The first caller to find it missing queues ``summaries.tasks.compute_agreement``; callers while
    it is pending queue nothing more (an atomic ``cache.add`` marker, cleared when the task ends or
    after the task's time limit, should its message be lost). With the broker down nothing is
    queued and the marker is cleared, so the answer is still "pending" and a later call tries again.
    """
    scope = filterset.scope()
    key = agreement_cache_key(summary_cache_key(scope=scope))
    return _report_or_pending(scope=scope, filters=filterset.normalised(), key=key)


def _report_or_pending(*, scope: SummaryScope, filters: dict[str, list[str]], key: str) -> AgreementReport | None:
    report = cached_agreement_report(scope=scope, compute=False, key=key)
    if report is None:
        _queue_agreement_once(marker=f"{key}:queued", filters=filters)
    return report


def _queue_agreement_once(*, marker: str, filters: dict[str, list[str]]) -> None:
    if not cache.add(marker, True, AGREEMENT_TIME_LIMIT):
        return
    try:
        compute_agreement.delay(filters)
    except OperationalError:
        cache.delete(marker)
        logger.warning("Could not queue reviewer agreement for %s", filters)


def agreement_compute(*, filters: dict[str, list[str]]) -> None:
    """What the task does: compute and cache one selection's agreement, then let it be queued again
    (once the cached figures expire or the register changes)."""
    filterset = summary_filterset(filters)
    if not filterset.is_valid():
        return
    scope = filterset.scope()
    key = agreement_cache_key(summary_cache_key(scope=scope))
    try:
        cached_agreement_report(scope=scope, compute=True, key=key)
    finally:
        cache.delete(f"{key}:queued")
