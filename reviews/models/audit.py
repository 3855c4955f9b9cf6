from django.conf import settings
from django.db import models
from django.db.models import Q

from programmes.models import Programme
from providers.models import Provider
from reviews.models.review import Review


class AuditEvent(models.Model):
    """Who changed what, when, from what to what: scores, states, assignments and the changes
    providers make to what is public. Append only.

    An event is about a programme (and maybe one of its reviews) or, for a provider's own profile
    (its name, its description), about the provider alone."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events")
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
            models.Index(
                fields=["provider", "-created_at"], condition=Q(provider__isnull=False), name="audit_provider_recent"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(programme__isnull=False) | Q(provider__isnull=False), name="audit_event_is_about_something"
            )
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action}"
