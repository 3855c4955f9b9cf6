"""Derived ratings: never typed in, always recomputed from published reviews by ratings.engine.

They live in narrow tables of their own rather than as columns on the wide, search-indexed
programme row: a recompute then rewrites a few small tuples instead of the whole programme.
"""

from django.db import models

from programmes.models import Programme
from providers.models import Provider
from reviews.models import Framework
from reviews.models.framework import NOT_RATED_LABEL


def band_name(band: str | None) -> str:
    """A rating's band as the register words it. A rating without a band rank already holds its
    framework's ``not_rated_label`` as its band (ratings.engine writes it); a programme or provider
    with no rating row yet gets the label's default."""
    return band or NOT_RATED_LABEL


class ProgrammeRating(models.Model):
    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, primary_key=True, related_name="rating")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    review_count = models.PositiveIntegerField(default=0)
    raw_mean = models.FloatField(null=True, help_text="Weighted mean of the published reviews, before shrinkage.")
    shown_score = models.FloatField(null=True, help_text="Bayesian average toward the framework-wide prior.")
    band = models.CharField(max_length=40)
    # 1 = best band; null while not yet rated. Filters such as "at least Secure" compare ranks.
    band_rank = models.PositiveSmallIntegerField(null=True)
    # Element means (the five elements are fixed by the sources; their weights are data).
    score_purpose = models.FloatField(null=True)
    score_governance = models.FloatField(null=True)
    score_process = models.FloatField(null=True)
    score_definitions = models.FloatField(null=True)
    score_value = models.FloatField(null=True)
    max_spread = models.PositiveSmallIntegerField(
        default=0, help_text="Largest gap, in levels, between two reviewers on one element."
    )
    # The range of the published reviews' own overall scores, shown beside the headline.
    lowest_review_overall = models.FloatField(null=True, help_text="The lowest published review's own overall.")
    highest_review_overall = models.FloatField(null=True, help_text="The highest published review's own overall.")
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [
            # "Best rated" and "minimum band" on the directory.
            models.Index(fields=["-shown_score"], name="rating_best"),
            models.Index(fields=["-review_count"], name="rating_most_reviewed"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.band}"


class ElementRating(models.Model):
    """One element of a programme's rating: the weighted mean of its scored criteria and how far
    apart the reviewers were on its criteria. Written by the engine beside ``ProgrammeRating``."""

    pk = models.CompositePrimaryKey("programme_id", "element_key")
    # No database constraint: the engine writes these rows by the million and deletes those of
    # programmes no longer published itself, and a deferred check per row cost more than the write.
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="element_ratings", db_constraint=False
    )
    element_key = models.CharField(max_length=16)
    score = models.FloatField()
    # The largest gap, in levels, between two reviewers' scores on one of its criteria.
    spread = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"{self.programme_id} {self.element_key}: {self.score}"


class CriterionRating(models.Model):
    """One criterion of a programme's rating, keyed by the live framework's element key and
    criterion code (the key every framework version's scores are matched by), so a new version
    that only reweights criteria leaves these rows as they are."""

    pk = models.CompositePrimaryKey("programme_id", "element_key", "criterion_code")
    # No database constraint, as for ElementRating.
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="criterion_ratings", db_constraint=False
    )
    element_key = models.CharField(max_length=16)
    criterion_code = models.CharField(max_length=8)
    scores = models.PositiveSmallIntegerField(help_text="How many published scores it has.")
    mean = models.FloatField()
    lowest = models.PositiveSmallIntegerField()
    highest = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"{self.programme_id} {self.criterion_code}: {self.mean}"

    @property
    def spread(self) -> int:
        return self.highest - self.lowest


class ProviderRating(models.Model):
    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, primary_key=True, related_name="rating")
    rated_programmes = models.PositiveIntegerField(default=0)
    review_count = models.PositiveIntegerField(default=0)
    # Both means weight each rated programme by its number of published reviews.
    raw_mean = models.FloatField(null=True, help_text="Mean raw overall of its rated programmes: the headline.")
    shown_score = models.FloatField(null=True, help_text="Mean shrunk score of its rated programmes: the order.")
    band = models.CharField(max_length=40)
    band_rank = models.PositiveSmallIntegerField(null=True)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.provider_id}: {self.band}"


class RatingHistory(models.Model):
    """A programme's previous ratings, one row per change, for the trend on its page."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rating_history")
    review_count = models.PositiveIntegerField()
    raw_mean = models.FloatField(null=True)
    shown_score = models.FloatField(null=True)
    band = models.CharField(max_length=40)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["programme", "computed_at"]
        indexes = [models.Index(fields=["programme", "computed_at"], name="rating_history_trend")]

    def __str__(self) -> str:
        return f"{self.programme_id} at {self.computed_at:%Y-%m-%d %H:%M}: {self.band}"


class StaleRating(models.Model):
    """A programme whose rating must be recomputed: written in the transaction that made it stale,
    so a lost task message never loses the change; the periodic sweep clears what is left.

    A marker is cleared only if ``marked_at`` is still the value the recompute read before it
    started: a programme marked again meanwhile stays marked. ``claimed_until`` lets concurrent
    sweeps take disjoint batches without holding row locks that would block a publisher.
    """

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, primary_key=True, related_name="+")
    marked_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The sweep takes the oldest unclaimed markers first.
            models.Index(fields=["marked_at"], name="stale_rating_oldest"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} stale since {self.marked_at:%Y-%m-%d %H:%M}"


class FullRecomputeRequest(models.Model):
    """A whole-register recompute that is owed (one row at most, id 1): written with the change that
    needs it or by the nightly task before it starts, deleted when a recompute that saw it finishes.
    Claimed like a stale marker, so a worker killed in the middle leaves it for the sweep."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    requested_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Whole-register recompute requested {self.requested_at:%Y-%m-%d %H:%M}"


class FrameworkPrior(models.Model):
    """The prior of the Bayesian average for one framework version, as of the last full recompute.

    prior = the mean raw overall score of every rated programme (at least ``min_reviews`` published
    reviews), each programme counted once. It moves a little whenever any programme changes, so it
    is fixed here by the full recompute (nightly, and when a framework is published) and read by
    every per-programme recompute: both paths then compute every rating from the same numbers and
    agree exactly. Kept as an exact decimal so that the band thresholds compare exactly.
    """

    framework = models.OneToOneField(Framework, on_delete=models.CASCADE, primary_key=True, related_name="+")
    prior = models.DecimalField(max_digits=40, decimal_places=30, null=True)
    rated_programmes = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.framework_id}: {self.prior}"


class RatingValidity(models.Model):
    """How long a programme's published rating is valid: from its publication for the framework's
    validity period. Written when the reviews are published (and replaced by a re-review's); the
    expiry task stamps ``expired_at``. An expired rating is kept and shown as expired, and no longer
    counts toward its provider's aggregate."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, primary_key=True, related_name="validity")
    valid_from = models.DateTimeField()
    expires_at = models.DateTimeField()
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "rating validities"
        indexes = [
            # The expiry task and the reminders read the ratings still valid, by expiry date.
            models.Index(fields=["expires_at"], condition=models.Q(expired_at__isnull=True), name="validity_due"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} valid until {self.expires_at:%Y-%m-%d}"

    @property
    def is_expired(self) -> bool:
        return self.expired_at is not None


class FrameworkPublication(models.Model):
    """One publication of a framework version and the whole-register recompute it started: what
    the progress page reads. Steps are written as the worker finishes them."""

    framework = models.OneToOneField(Framework, on_delete=models.CASCADE, related_name="publication")
    published_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    steps_done = models.PositiveSmallIntegerField(default=0)
    current_step = models.CharField(max_length=40, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rated_programmes = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Publication of {self.framework}"
