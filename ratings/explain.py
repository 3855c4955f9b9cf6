"""How a programme's rating was derived: every figure behind it, for the programme page and the API.

Anonymous by construction: no reviewer is named, and each criterion's scores are listed in
ascending order (rationales in the same order), so one reviewer's scores cannot be lined up
across criteria. A constant number of queries, whatever the number of reviews.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from programmes.vocabulary import ProgrammeStatus
from qaportal.display import score_figure
from ratings.models import FrameworkPrior, ProgrammeRating
from reviews.models import Band, Criterion, CriterionScore, Framework, ReviewState


@dataclass(frozen=True)
class CriterionExplanation:
    code: str
    title: str
    weight: float
    scores: list[int]
    mean: float | None
    rationales: list[str]


@dataclass(frozen=True)
class ElementExplanation:
    key: str
    name: str
    weight: float
    mean: float | None
    # The largest gap, in levels, between two reviewers' scores on one of its criteria.
    spread: int
    criteria: list[CriterionExplanation]


@dataclass(frozen=True)
class RatingExplanation:
    programme_id: int
    framework_name: str
    framework_version: int
    review_count: int
    raw_mean: float | None
    prior: float | None
    prior_weight: float
    shown_score: float | None
    band: str
    band_rule: str
    min_reviews: int
    needs_moderation: bool
    max_spread: int
    computed_at: datetime | None
    elements: list[ElementExplanation]


def explain_programme_rating(*, programme_id: int) -> RatingExplanation:
    """The derivation of a programme's current rating against the live framework."""
    framework = Framework.objects.get(is_live=True)
    rating = ProgrammeRating.objects.filter(programme_id=programme_id).first()
    prior = FrameworkPrior.objects.filter(framework=framework).values_list("prior", flat=True).first()
    scores, review_ids = published_scores(programme_id)
    elements = explain_elements(framework, scores, rating)
    review_count = rating.review_count if rating else len(review_ids)
    return RatingExplanation(
        programme_id=programme_id,
        framework_name=framework.name,
        framework_version=framework.version,
        review_count=review_count,
        raw_mean=rating.raw_mean if rating else None,
        prior=float(prior) if prior is not None else None,
        prior_weight=float(framework.prior_weight),
        shown_score=rating.shown_score if rating else None,
        band=rating.band if rating else framework.not_rated_label,
        band_rule=band_rule(framework, rating, review_count),
        min_reviews=framework.min_reviews,
        needs_moderation=rating.needs_moderation if rating else False,
        max_spread=rating.max_spread if rating else max((e.spread for e in elements), default=0),
        computed_at=rating.computed_at if rating else None,
        elements=elements,
    )


ScoresByCriterion = dict[tuple[str, str], list[tuple[int, str]]]


def published_scores(programme_id: int) -> tuple[ScoresByCriterion, set[int]]:
    """(element key, criterion code) → [(score, rationale)], from any framework version."""
    rows = CriterionScore.objects.filter(
        review__programme_id=programme_id,
        review__programme__status=ProgrammeStatus.PUBLISHED,
        review__state=ReviewState.PUBLISHED,
        score__isnull=False,
    ).values_list("criterion__element__key", "criterion__code", "score", "rationale", "review_id")
    scores: ScoresByCriterion = defaultdict(list)
    review_ids = set()
    for element_key, code, score, rationale, review_id in rows:
        scores[(element_key, code)].append((score, rationale))
        review_ids.add(review_id)
    return scores, review_ids


def explain_elements(
    framework: Framework, scores: ScoresByCriterion, rating: ProgrammeRating | None
) -> list[ElementExplanation]:
    criteria_by_element = defaultdict(list)
    elements = {}
    for criterion in Criterion.objects.filter(element__framework=framework).select_related("element"):
        criteria_by_element[criterion.element.key].append(explain_criterion(criterion, scores))
        elements[criterion.element.key] = criterion.element
    explained = []
    for key, element in sorted(elements.items(), key=lambda item: item[1].position):
        criteria = criteria_by_element[key]
        explained.append(
            ElementExplanation(
                key=key,
                name=element.name,
                weight=float(element.weight),
                mean=getattr(rating, f"score_{key}", None) if rating else weighted_mean(criteria),
                spread=max((max(c.scores) - min(c.scores) for c in criteria if c.scores), default=0),
                criteria=criteria,
            )
        )
    return explained


def explain_criterion(criterion: Criterion, scores: ScoresByCriterion) -> CriterionExplanation:
    given = sorted(scores.get((criterion.element.key, criterion.code), []))
    values = [score for score, _ in given]
    return CriterionExplanation(
        code=criterion.code,
        title=criterion.title,
        weight=float(criterion.weight),
        scores=values,
        mean=float(Fraction(sum(values), len(values))) if values else None,
        rationales=[rationale for _, rationale in given],
    )


def weighted_mean(criteria: list[CriterionExplanation]) -> float | None:
    """The element mean when no rating has been stored yet (exact, then rounded once)."""
    scored = [c for c in criteria if c.scores]
    if not scored:
        return None
    total = sum(Fraction(c.weight) * Fraction(sum(c.scores), len(c.scores)) for c in scored)
    return float(total / sum(Fraction(c.weight) for c in scored))


def band_rule(framework: Framework, rating: ProgrammeRating | None, review_count: int) -> str:
    """The rule that gave the band, in words, with the live thresholds."""
    if rating is None or rating.shown_score is None:
        return (
            f"{framework.not_rated_label}: {review_count} published review{'s' if review_count != 1 else ''}; "
            f"a rating needs at least {framework.min_reviews}."
        )
    bands = list(Band.objects.filter(framework=framework).order_by("-min_score"))
    band = next((b for b in bands if b.name == rating.band), None)
    higher = [b for b in bands if band and b.min_score > band.min_score]
    rule = f"Shown score {score_figure(rating.shown_score)}"
    if band and band is not bands[-1]:
        rule += f" is at least {score_figure(band.min_score)}"
    if higher:
        rule += f" and below {score_figure(higher[-1].min_score)} ({higher[-1].name})"
    return f"{rule}: {rating.band}."
