"""A provider's self-assessment: their own scores for their programme against a framework version.

Private to the provider's editors and kept apart from reviews on purpose: its own tables, and no
reverse accessor on criteria or frameworks, so no rating, agreement, moderation, pool measure or
export (which all read ``Review`` and ``CriterionScore``) can pick it up by accident.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from programmes.models import Programme
from qaportal.fields import PlainTextField
from reviews.models.framework import MAX_LEVELS, Criterion, Framework


class SelfAssessment(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="self_assessments")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when an editor checked every answer and finished; further edits keep it finished only
    # while it stays complete.
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "framework"], name="one_self_assessment_per_framework"),
        ]

    def __str__(self) -> str:
        return f"Self-assessment of {self.programme}"


class SelfAssessmentScore(models.Model):
    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_LEVELS)]
    )
    rationale = PlainTextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["self_assessment", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["self_assessment", "criterion"], name="one_self_score_per_criterion"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=1) & Q(score__lte=MAX_LEVELS)),
                name="self_score_within_the_levels",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.score}"
