"""Reviews: one reviewer's scored assessment of one programme against one framework version."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from programmes.models import Programme
from providers.models import Provider
from qaportal.fields import PlainCharField, PlainTextField
from reviews.models.framework import SCORE_RANGE, Criterion, Framework, LevelScore


class ReviewState(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in-progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned to reviewer"
    ACCEPTED = "accepted", "Accepted"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"
    # A reviewer who declares a conflict of interest releases the assignment.
    RELEASED = "released", "Released (conflict declared)"
    # A published review whose programme has been re-reviewed: kept for the history, no longer counted.
    SUPERSEDED = "superseded", "Superseded by a re-review"


class Affiliation(models.Model):
    """An organisation a reviewer works or worked for: a recorded conflict of interest."""

    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affiliations")
    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, null=True, blank=True, related_name="affiliated_reviewers"
    )
    organisation_name = PlainCharField(max_length=200)
    role = PlainCharField(max_length=200, blank=True)
    ended_on = models.DateField(null=True, blank=True, help_text="Leave empty if the reviewer still works there.")
    # An affiliation is ended, never erased: it cannot be said to have ended before it was recorded.
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reviewer", "organisation_name"]

    def __str__(self) -> str:
        return f"{self.reviewer} – {self.organisation_name}"


class Review(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="reviews")
    state = PlainCharField(max_length=16, choices=ReviewState.choices, default=ReviewState.ASSIGNED)
    overall_comment = PlainTextField(blank=True)
    no_conflict_confirmed = models.BooleanField(
        default=False, help_text="The reviewer has confirmed they have no conflict of interest."
    )
    conflict_note = PlainTextField(blank=True)
    return_comment = PlainTextField(blank=True, help_text="The convenor's reason for returning the review.")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "reviewer"],
                condition=~Q(state=ReviewState.RELEASED),
                name="one_active_review_per_reviewer_and_programme",
            ),
        ]
        indexes = [
            # The ratings engine reads published reviews per programme.
            models.Index(fields=["programme", "state"], name="review_programme_state"),
            # "My assignments".
            models.Index(fields=["reviewer", "state"], name="review_reviewer_state"),
            # Each reviewer's workload now (open assignments), read for every assignment suggestion.
            models.Index(
                fields=["reviewer"],
                condition=Q(state__in=["assigned", "in-progress", "returned"]),
                name="review_open_by_reviewer",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.programme} by {self.reviewer}"


class CriterionScore(LevelScore):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")

    class Meta:
        ordering = ["review", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion_per_review"),
            models.CheckConstraint(condition=SCORE_RANGE, name="score_within_the_levels"),
        ]
