"""The versioned quality-assurance framework: elements, criteria, rubric levels and rating settings.

A framework is data that convenors edit as a draft and publish as a new version. A published
version never changes: the models refuse it and, on PostgreSQL, triggers refuse it too
(migration 0002), so no code path, admin or SQL can rewrite the rules behind a rating.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from programmes.vocabulary import ElementKey
from qaportal.fields import PlainCharField, PlainTextField

# A framework defines its own score levels, 1 to N (the starting framework has four; at most
# MAX_LEVELS, a sanity bound, not a method rule); the rubric of every criterion has a descriptor
# for each of them.
MAX_LEVELS = 9
LEVEL_RANGE = Q(level__gte=1) & Q(level__lte=MAX_LEVELS)
# The same bound on a saved score, which is empty while its review or self-assessment is a draft.
SCORE_RANGE = Q(score__isnull=True) | (Q(score__gte=1) & Q(score__lte=MAX_LEVELS))


class LevelScore(models.Model):
    """One criterion's answer: a level of the framework (empty while a draft; the services require
    every one, and each within its framework's levels, before it counts) and the rationale for it.
    A reviewer's score and a provider's self-assessment score are both this."""

    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_LEVELS)]
    )
    rationale = PlainTextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    criterion: models.ForeignKey

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.score}"


# What a programme without a band is called, unless its framework words it otherwise.
NOT_RATED_LABEL = "Not yet rated"


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class BandScore(models.TextChoices):
    """Which score the bands are read from (the method's version)."""

    RAW = "raw", "The raw overall, with element floors (method version 2)"
    SHOWN = "shown", "The shown (shrunk) score (method version 1)"


class Framework(models.Model):
    name = PlainCharField(max_length=200)
    version = models.PositiveIntegerField()
    status = PlainCharField(max_length=16, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT)
    # The framework that new reviews use and that ratings are computed against; at most one.
    is_live = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    description = PlainTextField(blank=True)
    prior_weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("2"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="m in the Bayesian average (n·mean + m·prior) / (n + m).",
    )
    min_reviews = models.PositiveSmallIntegerField(
        default=2, help_text="Published reviews needed before a programme is rated."
    )
    disagreement_levels = models.PositiveSmallIntegerField(
        default=2, help_text="Reviewers this many levels apart on one criterion are highlighted side by side."
    )
    band_score = models.CharField(
        max_length=8, choices=BandScore.choices, default=BandScore.RAW, db_default=BandScore.RAW
    )
    moderation_element_gap = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1"),
        db_default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Submitted reviews whose means on one element differ by this much flag a programme for moderation.",
    )
    not_rated_label = PlainCharField(max_length=40, default=NOT_RATED_LABEL)
    calibration_pass_alpha = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.667"),
        validators=[MinValueValidator(Decimal("-1")), MaxValueValidator(Decimal("1"))],
        help_text="Calibration passes when the ordinal alpha with the reference is at least this.",
    )
    requires_recalibration = models.BooleanField(
        default=False,
        help_text="Reviewers calibrated on an earlier version must pass this version's exercise before being assigned.",
    )
    validity_months = models.PositiveSmallIntegerField(
        default=36,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="How long a rating stays valid after it is published, in months.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="framework_version_unique"),
            models.UniqueConstraint(fields=["is_live"], condition=Q(is_live=True), name="one_live_framework"),
            models.CheckConstraint(
                condition=Q(is_live=False) | Q(status=FrameworkStatus.PUBLISHED), name="live_framework_is_published"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.status != FrameworkStatus.DRAFT


class FrameworkPart(models.Model):
    """Refuses to change any part of a framework version once it has been published."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.refuse_if_published()
        return super().delete(*args, **kwargs)

    def owning_framework(self) -> Framework:
        raise NotImplementedError

    def refuse_if_published(self) -> None:
        if self.owning_framework().is_published:
            raise ValidationError("A published framework version cannot be changed; make a new version.")


class ScoreLevel(FrameworkPart):
    """The meaning of a score (1 to the framework's number of levels): Limited, Developing, Secure, Exemplary."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(MAX_LEVELS)])
    name = PlainCharField(max_length=40)
    meaning = PlainCharField(max_length=300)

    class Meta:
        ordering = ["framework", "level"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "level"], name="score_level_unique"),
            models.CheckConstraint(condition=LEVEL_RANGE, name="score_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.name}"

    def owning_framework(self) -> Framework:
        return self.framework


class Band(FrameworkPart):
    """A rating band: programmes whose score (``Framework.band_score``) is at least ``min_score`` and
    none of whose elements is below ``element_floor`` (when set); the lowest band takes the rest."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="bands")
    name = PlainCharField(max_length=40)
    min_score = models.DecimalField(max_digits=4, decimal_places=2)
    element_floor = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(help_text="1 for the best band.")

    class Meta:
        ordering = ["framework", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "rank"], name="band_rank_unique"),
            models.UniqueConstraint(fields=["framework", "name"], name="band_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (≥ {self.min_score})"

    def owning_framework(self) -> Framework:
        return self.framework


class Element(FrameworkPart):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="elements")
    key = PlainCharField(max_length=16, choices=ElementKey.choices)
    code = PlainCharField(max_length=2, help_text="The letter its criteria codes start with, e.g. P.")
    name = PlainCharField(max_length=80)
    question = PlainCharField(max_length=300)
    weight = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0.01"))]
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="element_key_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="element_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def owning_framework(self) -> Framework:
        return self.framework


class Criterion(FrameworkPart):
    element = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="criteria")
    code = PlainCharField(max_length=8)
    title = PlainCharField(max_length=120)
    guidance = PlainTextField(help_text="What reviewers look for.")
    weight = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0.01"))]
    )
    position = models.PositiveSmallIntegerField()
    crosswalk_tags: "models.ManyToManyField[CrosswalkTag, Any]" = models.ManyToManyField(
        "CrosswalkTag", blank=True, related_name="criteria", help_text="The parts of other frameworks it evidences."
    )

    class Meta:
        ordering = ["element__position", "position"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["element", "code"], name="criterion_code_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def owning_framework(self) -> Framework:
        return self.element.framework


class LevelDescriptor(FrameworkPart):
    """What a criterion looks like at one level: what reviewers read beside the radio buttons."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="descriptors")
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(MAX_LEVELS)])
    descriptor = PlainTextField()

    class Meta:
        ordering = ["criterion", "level"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "level"], name="descriptor_level_unique"),
            models.CheckConstraint(condition=LEVEL_RANGE, name="descriptor_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code} level {self.level}"

    def owning_framework(self) -> Framework:
        return self.criterion.element.framework


class CrosswalkScheme(models.TextChoices):
    DFE_STANDARD = "dfe-2016", "DfE Standard for teachers' professional development (2016)"
    EEF_MECHANISMS = "eef-2021", "EEF effective professional development mechanisms (2021)"


class CrosswalkTag(models.Model):
    """One part of another public framework that a criterion can evidence: a vocabulary loaded as
    data (``reviews.crosswalk``), shared by every framework version."""

    scheme = models.CharField(max_length=16, choices=CrosswalkScheme.choices)
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    # The EEF's four groups of mechanisms; empty for the DfE Standard's parts.
    group = models.CharField(max_length=60, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["scheme", "position"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="crosswalk_tag_unique")]

    def __str__(self) -> str:
        return self.label
