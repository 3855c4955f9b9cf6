from django.db import models

from programmes.models import Programme
from reviews.models.review import Review


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", "Review assigned"
    RETURNED = "returned", "Review returned"
    PUBLISHED = "published", "Programme published"
    CONFLICT = "conflict", "Conflict of interest declared"
    EXPIRING = "expiring", "Rating expiring"
    CONCERN_QUESTION = "concern-question", "Concern: question for the provider"
    SUBMITTED = "submitted", "Programme submitted"
    WITHDRAWN = "withdrawn", "Programme withdrawn"
    REREVIEW = "rereview", "Re-review ordered"


class Notification(models.Model):
    """An e-mail owed to someone, written in the transaction that caused it.

    The task that sends it claims the row first (``claimed_until``, a short committed update), so a
    retried or duplicated task message does not send it again while it is being sent; ``sent_at``
    is written once it has gone. A claim left by a dead worker expires and the sweep sends it.
    """

    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    recipients = models.TextField(blank=True, help_text="Addresses it went to, one per line.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The sweep for e-mails whose task message was lost reads only the unsent ones.
            models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="notification_owed"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.programme_id})"
