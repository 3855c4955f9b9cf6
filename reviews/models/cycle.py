"""The accreditation cycle: re-reviews (for reaccreditation or after a concern), concerns raised by
anyone about a programme, and the reminders owed before a rating expires."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from programmes.models import Programme
from reviews.models.notification import Notification


class ReReviewReason(models.TextChoices):
    REACCREDITATION = "reaccreditation", "Reaccreditation"
    CONCERN = "concern", "A concern"
    CHANGE = "change", "A change to what was reviewed"


class ReReview(models.Model):
    """A published programme under review again. Its current rating stands until the new reviews
    are published; then they replace the old ones, which stay in the history as superseded."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rereviews")
    reason = models.CharField(max_length=20, choices=ReReviewReason.choices)
    concern = models.ForeignKey("Concern", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme"], condition=Q(closed_at__isnull=True), name="one_open_rereview_per_programme"
            )
        ]

    def __str__(self) -> str:
        return f"Re-review of {self.programme_id} ({self.get_reason_display()})"


class ConcernStatus(models.TextChoices):
    OPEN = "open", "New"
    ASKED_PROVIDER = "asked-provider", "Waiting for the provider"
    PROVIDER_RESPONDED = "provider-responded", "Provider has responded"
    DISMISSED = "dismissed", "Dismissed"
    UPHELD = "upheld", "Upheld: re-review ordered"


CONCERN_OPEN_STATUSES = (ConcernStatus.OPEN, ConcernStatus.ASKED_PROVIDER, ConcernStatus.PROVIDER_RESPONDED)


class Concern(models.Model):
    """Anyone's concern about a programme, triaged by a convenor; the provider may respond."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="concerns")
    what = models.TextField()
    evidence = models.TextField(blank=True)
    contact = models.CharField(max_length=254, blank=True)
    status = models.CharField(max_length=20, choices=ConcernStatus.choices, default=ConcernStatus.OPEN)
    convenor_note = models.TextField(blank=True, help_text="The dismissal reason or the question for the provider.")
    public_summary = models.TextField(blank=True, help_text="Shown on the programme page once upheld.")
    provider_response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The convenors' triage list and each programme's concerns.
            models.Index(fields=["status", "created_at"], name="concern_triage"),
            models.Index(fields=["programme", "status"], name="concern_programme"),
        ]

    def __str__(self) -> str:
        return f"Concern about {self.programme_id} ({self.get_status_display()})"


class ExpiryReminder(models.Model):
    """The durable record that the reminder ``days_before`` a rating's expiry is owed (and, through
    its notification, sent): unique per rating period, so it is written, and sent, once."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    valid_from = models.DateTimeField()
    days_before = models.PositiveSmallIntegerField()
    expires_at = models.DateTimeField()
    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="expiry_reminder")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "valid_from", "days_before"], name="one_reminder_per_rating_and_lead_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.days_before} days before {self.expires_at:%Y-%m-%d}"
