"""An export job: a file of summaries a convenor asked for, built by a Celery worker, kept for a while."""

import uuid

from django.conf import settings
from django.db import models


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV (every programme, one row each)"
    XLSX = "xlsx", "Excel workbook (every table, one sheet each)"
    PDF = "pdf", "PDF report (tables and charts)"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being prepared"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


class ExportJob(models.Model):
    # A random id: the download address must not be guessable from another convenor's.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    format = models.CharField(max_length=8, choices=ExportFormat.choices)
    # The summary filters as submitted, normalised (see summaries.filters.normalised_filters).
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    progress_note = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to="exports/", blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # The outbox claim (see qaportal.outbox): a worker building the file renews it with each progress
    # report; a job unclaimed or whose claim expired is taken by the sweep.
    claimed_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # "Your exports", newest first.
            models.Index(fields=["requested_by", "-created_at"], name="export_job_mine_recent"),
            # The periodic clean-up looks for ready files past their expiry.
            models.Index(fields=["status", "expires_at"], name="export_job_expiry"),
            # The sweep reads only the unfinished jobs.
            models.Index(
                fields=["created_at"],
                condition=models.Q(status__in=["queued", "running"]),
                name="export_job_unfinished",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="export_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} for {self.requested_by} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {ExportStatus.READY, ExportStatus.FAILED, ExportStatus.EXPIRED}

    @property
    def download_name(self) -> str:
        return f"register-summaries-{self.created_at:%Y-%m-%d-%H%M}.{self.format}"
