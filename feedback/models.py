"""Participant feedback: a second rating, from the teachers who took part, kept apart from the
expert rating in tables of its own.

Nothing here identifies a participant. A response does not point at the link that was used to
give it, carries the day it was given rather than the moment, and has a random key, so neither
the provider (who handed out the links) nor anyone reading the database can tell whose answers
are whose.
"""

import uuid

from django.conf import settings
from django.db import models

from programmes.models import Programme
from qaportal.fields import PlainCharField, PlainTextField


class Questionnaire(models.Model):
    """One version of the questions participants answer. Convenors edit a draft and publish it
    as a new version; a published version never changes (the services refuse, and so does a
    database trigger)."""

    version = models.PositiveIntegerField(unique=True)
    name = PlainCharField(max_length=200, default="Participant questionnaire")
    introduction = PlainTextField(blank=True, help_text="Shown to participants above the questions.")
    scale_max = models.PositiveSmallIntegerField(
        choices=[(4, "1 to 4"), (5, "1 to 5")], default=4, help_text="Every question is answered from 1 to this."
    )
    scale_low_label = PlainCharField(max_length=60, default="Strongly disagree")
    scale_high_label = PlainCharField(max_length=60, default="Strongly agree")
    prior_weight = models.FloatField(default=10, help_text="m in (n × mean + m × register mean) ÷ (n + m).")
    min_responses = models.PositiveSmallIntegerField(default=5, help_text="No score is shown below this.")
    # What makes a round look unusual to convenors.
    burst_minutes = models.PositiveSmallIntegerField(default=10)
    burst_share = models.FloatField(default=0.6, help_text="Share of a cohort answering within burst_minutes.")
    identical_share = models.FloatField(default=0.5, help_text="Share of responses with exactly the same answers.")
    is_published = models.BooleanField(default=False)
    is_live = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_live"], condition=models.Q(is_live=True), name="one_live_questionnaire"
            ),
            models.CheckConstraint(
                condition=models.Q(is_live=False) | models.Q(is_published=True), name="live_questionnaire_is_published"
            ),
            models.CheckConstraint(
                condition=models.Q(prior_weight__gte=0), name="questionnaire_prior_weight_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, version {self.version}"


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40, help_text="A short stable name, used in exports and the API.")
    text = PlainCharField(max_length=300)

    class Meta:
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_code_once_per_version"),
            models.UniqueConstraint(fields=["questionnaire", "position"], name="question_position_once_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class FeedbackRound(models.Model):
    """A cohort of a published programme invited to give feedback: one single-use link each."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="feedback_rounds")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="rounds")
    cohort_label = PlainCharField(max_length=200)
    cohort_size = models.PositiveIntegerField()
    closes_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=models.Q(cohort_size__gte=1), name="round_has_participants")]

    def __str__(self) -> str:
        return f"{self.programme} – {self.cohort_label}"


class ParticipantLink(models.Model):
    """One participant's way in: used at most once (a conditional update claims it)."""

    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="links")
    code = models.CharField(max_length=10, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "id"]
        indexes = [
            # Counting used links per round, and the "many answers within minutes" window.
            models.Index(fields=["round", "used_at"], name="participant_link_used"),
        ]

    def __str__(self) -> str:
        return self.code


class CommentStatus(models.TextChoices):
    NONE = "none", "No comment"
    PENDING = "pending", "Awaiting approval"
    APPROVED = "approved", "Published"
    REJECTED = "rejected", "Not published"


class ParticipantResponse(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="responses")
    answers = models.JSONField(help_text="{question code: answer}, each from 1 to the scale's top.")
    # The mean answer as a share of the scale (0 = every answer lowest, 1 = highest), so that
    # responses to versions with different scales can be averaged together.
    score = models.FloatField()
    comment = PlainTextField(blank=True, max_length=2000)
    comment_status = models.CharField(max_length=16, choices=CommentStatus.choices, default=CommentStatus.NONE)
    comment_moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment_moderated_at = models.DateTimeField(null=True, blank=True)
    # A day, not a moment: nothing to line up with when a link was used.
    submitted_on = models.DateField()

    class Meta:
        ordering = ["-submitted_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=1), name="response_score_is_a_share"),
        ]
        indexes = [
            # The convenors' queue of comments awaiting approval.
            models.Index(
                fields=["comment_status"], condition=models.Q(comment_status="pending"), name="response_comment_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"Response to round {self.round_id}"


class ParticipantRating(models.Model):
    """Derived, never typed in: a programme's participant score, recomputed by the worker."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, primary_key=True, related_name="participant_rating"
    )
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    response_count = models.PositiveIntegerField(default=0)
    links_issued = models.PositiveIntegerField(default=0)
    response_rate = models.FloatField(null=True, help_text="Responses ÷ links issued.")
    # Null below the questionnaire's minimum number of responses: there is then nothing to show.
    raw_mean = models.FloatField(null=True, help_text="Mean answer, on the live questionnaire's scale.")
    shown_score = models.FloatField(null=True, help_text="Bayesian average toward the register-wide mean.")
    prior = models.FloatField(null=True, help_text="The register-wide participant mean, on the same scale.")
    prior_weight = models.FloatField()
    min_responses = models.PositiveSmallIntegerField()
    scale_max = models.PositiveSmallIntegerField()
    question_means = models.JSONField(default=dict, help_text="{question code: mean on the live scale}.")
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.shown_score}"

    @property
    def is_shown(self) -> bool:
        return self.shown_score is not None


class ParticipantPrior(models.Model):
    """The register-wide participant mean (a share of the scale), fixed by the whole-register
    recompute and read by every per-programme recompute, so both paths agree exactly."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    mean_share = models.FloatField(null=True)
    response_count = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="one_participant_prior")]

    def __str__(self) -> str:
        return f"Participant prior {self.mean_share}"


class StaleParticipantRating(models.Model):
    """A programme whose participant rating must be recomputed, written in the transaction that
    added a response (the same durable promise as ``ratings.StaleRating``)."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, primary_key=True, related_name="+")
    marked_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["marked_at"], name="stale_participant_oldest")]

    def __str__(self) -> str:
        return f"{self.programme_id} stale since {self.marked_at:%Y-%m-%d %H:%M}"
