"""School leaders' own accounts: optional (the directory stays open to everyone), for keeping
shortlists, saved searches and alerts. A leader is a user with a ``LeaderAccount``."""

from django.conf import settings
from django.db import models

from programmes.models import Programme
from qaportal.fields import PlainCharField, PlainTextField


class AlertFrequency(models.TextChoices):
    WEEKLY = "weekly", "A weekly digest"
    IMMEDIATE = "immediate", "Straight away"
    NEVER = "never", "No alerts"


class LeaderAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="leader_account"
    )
    school_name = PlainCharField(max_length=200, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    alert_frequency = models.CharField(max_length=16, choices=AlertFrequency.choices, default=AlertFrequency.WEEKLY)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Leader {self.user_id}"


class Shortlist(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortlists")
    name = PlainCharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="shortlist_name_once_per_leader")]

    def __str__(self) -> str:
        return self.name


class ShortlistEntry(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    note = PlainTextField(blank=True, max_length=2000, help_text="Private: only you see it.")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shortlist", "added_at"]
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "programme"], name="programme_once_per_shortlist"),
        ]
        indexes = [
            # Alerts: which leaders have shortlisted a programme that changed.
            models.Index(fields=["programme"], name="shortlist_entry_programme"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} on {self.shortlist_id}"


class SavedSearch(models.Model):
    """A directory search kept by a leader: its query string, as the directory URL had it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = PlainCharField(max_length=120)
    query = models.CharField(max_length=2000, help_text="The directory's query string, without the page.")
    created_at = models.DateTimeField(auto_now_add=True)
    # Programmes published up to this moment have been matched against the search already.
    checked_until = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "query"], name="search_saved_once_per_leader")]

    def __str__(self) -> str:
        return self.name


class AlertKind(models.TextChoices):
    NEW_MATCH = "new-match", "New programme matching a saved search"
    RATING_CHANGED = "rating-changed", "Rating changed"
    WITHDRAWN = "withdrawn", "Withdrawn from the register"


class AlertSent(models.Model):
    """The durable record that a leader is told of one change once: written when the change is
    found (the unique constraint makes finding it again a no-op), delivered by the next digest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    change_key = models.CharField(max_length=80, help_text="Which change: e.g. when the new rating was computed.")
    saved_search = models.ForeignKey(SavedSearch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    found_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "programme", "change_key"], name="each_alert_once"),
        ]
        indexes = [
            # The digest reads each leader's undelivered alerts.
            models.Index(fields=["user"], condition=models.Q(delivered_at__isnull=True), name="alert_owed"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.programme_id} for {self.user_id}"
