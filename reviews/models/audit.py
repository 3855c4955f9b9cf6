from django.conf import settings
from django.db import models

from programmes.models import Programme
from reviews.models.review import Review


class AuditEvent(models.Model):
    """Who changed what, when, from what to what: scores, states and assignments. Append only."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="audit_events")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events")
    action = models.CharField(max_length=40)
    field = models.CharField(max_length=80, blank=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The audit trail pages: per programme and per review, newest first.
            models.Index(fields=["programme", "-created_at"], name="audit_programme_recent"),
            models.Index(fields=["review", "-created_at"], name="audit_review_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action}"
