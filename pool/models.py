"""The reviewer pool: who may review, what they know, how much they can take on, and their training.

A person applies; a convenor accepts (they join the pool in training) or declines. A reviewer in
training scores a calibration exercise against a panel's reference scores; passing makes them
active. Only active reviewers with capacity and no conflict are assignable (``pool.eligibility``).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from programmes.models import Programme
from programmes.vocabulary import FocusLevel
from providers.vocabulary import Phase, Region
from qaportal.fields import ChoiceSetField, PlainCharField, PlainTextField
from reviews.models import Criterion, Framework


class ReviewerStatus(models.TextChoices):
    IN_TRAINING = "in-training", "In training"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    RETIRED = "retired", "Retired"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", "Awaiting a decision"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Expertise(models.Model):
    """What a person knows: shared by an application and the reviewer profile it becomes."""

    phases = ChoiceSetField(choices_class=Phase, help_text="School phases they know.")
    focus_levels = ChoiceSetField(choices_class=FocusLevel, help_text="The staff whose development they know.")
    regions = ChoiceSetField(choices_class=Region, blank=True)

    class Meta:
        abstract = True


class ReviewerApplication(Expertise):
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pool_applications")
    current_role = PlainCharField(max_length=200)
    experience = PlainTextField(help_text="Their experience of leading or evaluating professional development.")
    # One organisation a line, as typed; accepted applications turn them into affiliations.
    organisations = PlainTextField(blank=True)
    status = models.CharField(max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = PlainTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # A person has at most one application awaiting a decision.
            models.UniqueConstraint(
                fields=["applicant"], condition=Q(status="pending"), name="one_pending_application_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"Application from {self.applicant}"


class ReviewerProfile(Expertise):
    """A member of the pool. Capacity is how many open assignments they take at once."""

    reviewer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pool_profile")
    status = models.CharField(max_length=16, choices=ReviewerStatus.choices, default=ReviewerStatus.IN_TRAINING)
    capacity = models.PositiveSmallIntegerField(default=4, validators=[MinValueValidator(1), MaxValueValidator(30)])
    expertise_tags = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    # The framework version they last passed a calibration exercise on.
    calibrated_for = models.ForeignKey(Framework, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reviewer__username"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="reviewer_capacity_at_least_one"),
        ]
        indexes = [
            # The candidate query reads the active pool.
            models.Index(fields=["status"], name="pool_profile_status"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} ({self.get_status_display()})"


class PoolEvent(models.Model):
    """Who changed what about a reviewer's membership, and when. Append only."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pool_events")
    action = models.CharField(max_length=40)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # A reviewer's pool history, newest first.
        indexes = [models.Index(fields=["reviewer", "-created_at"], name="pool_event_reviewer_recent")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.reviewer_id}"


class CalibrationExercise(models.Model):
    """A sample programme with its portfolio and the scores and rationales a panel agreed."""

    title = PlainCharField(max_length=200)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    is_open = models.BooleanField(default=False, help_text="Reviewers in training can take it.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ReferenceScore(models.Model):
    exercise = models.ForeignKey(CalibrationExercise, on_delete=models.CASCADE, related_name="references")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    rationale = PlainTextField()

    class Meta:
        ordering = ["criterion__element__position", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "criterion"], name="one_reference_per_criterion"),
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=4), name="reference_score_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


class AttemptState(models.TextChoices):
    DRAFT = "draft", "In progress"
    PASSED = "passed", "Passed"
    NOT_PASSED = "not-passed", "Not passed"


class CalibrationAttempt(models.Model):
    exercise = models.ForeignKey(CalibrationExercise, on_delete=models.PROTECT, related_name="attempts")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calibrations")
    state = models.CharField(max_length=16, choices=AttemptState.choices, default=AttemptState.DRAFT)
    overall_comment = PlainTextField(blank=True)
    # Agreement with the reference, and the threshold it was judged against, as they were at submission.
    alpha = models.FloatField(null=True, blank=True)
    pass_alpha = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "reviewer"], condition=Q(state="draft"), name="one_open_attempt_per_exercise"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.exercise} ({self.get_state_display()})"


class CalibrationScore(models.Model):
    attempt = models.ForeignKey(CalibrationAttempt, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    rationale = PlainTextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "criterion"], name="one_calibration_score_per_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"
