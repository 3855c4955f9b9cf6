"""A provider's self-assessment: their own scores for their programme against a framework version.

Private to the provider's editors and kept apart from reviews on purpose: its own tables, and no
reverse accessor on criteria or frameworks, so no rating, agreement, moderation, pool measure or
export (which all read ``Review`` and ``CriterionScore``) can pick it up by accident.
"""

from django.conf import settings
from django.db import models

from programmes.models import Programme
from reviews.models.framework import SCORE_RANGE, Criterion, Framework, LevelScore


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


class SelfAssessmentScore(LevelScore):
    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["self_assessment", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["self_assessment", "criterion"], name="one_self_score_per_criterion"),
            models.CheckConstraint(condition=SCORE_RANGE, name="self_score_within_the_levels"),
        ]
