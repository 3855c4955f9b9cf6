"""How a programme's rating was derived: every figure behind it, for the programme page and the API.

Every figure is read from what the engine stored (the programme, element and criterion rows of
its rating); only the published scores and rationales themselves are read from the reviews, to be
listed. Anonymous by construction: no reviewer is named, and each criterion's scores are listed in
ascending order (rationales in the same order), so one reviewer's scores cannot be lined up across
criteria. A constant number of queries, whatever the number of reviews.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection

from programmes.vocabulary import ProgrammeStatus
from qaportal.display import score_figure
from ratings.models import CriterionRating, ElementRating, FrameworkPrior, ProgrammeRating
from reviews.models import Band, BandScore, Framework, ReviewState
from reviews.published_parts import framework_parts


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
    top_level: int  # the rubric's highest level: scores are out of it
    max_spread: int
    computed_at: datetime | None
    elements: list[ElementExplanation]


def explain_programme_rating(*, programme_id: int) -> RatingExplanation:
    """The derivation of a programme's current rating against the live framework."""
    framework = Framework.objects.get(is_live=True)
    rating = ProgrammeRating.objects.filter(programme_id=programme_id).first()
    prior = FrameworkPrior.objects.filter(framework=framework).values_list("prior", flat=True).first()
    elements = explain_elements(framework, programme_id)
    review_count = rating.review_count if rating else 0
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
        band_rule=band_rule(framework, rating, elements),
        min_reviews=framework.min_reviews,
        top_level=max((level.level for level in framework_parts(framework).levels), default=4),
        max_spread=rating.max_spread if rating else 0,
        computed_at=rating.computed_at if rating else None,
        elements=elements,
    )


# The published scores and rationales of a programme, matched to the live framework's criteria.
PUBLISHED_SCORES_SQL = """
SELECT m.criterion_id, cs.score, cs.rationale
FROM reviews_criterionscore cs
JOIN reviews_review r ON r.id = cs.review_id
JOIN programmes_programme p ON p.id = r.programme_id
JOIN ratings_criterion_map m ON m.source_criterion_id = cs.criterion_id AND m.framework_id = %(framework)s
WHERE r.programme_id = %(programme)s AND r.state = %(review_published)s AND p.status = %(programme_published)s
  AND cs.score IS NOT NULL
"""


def published_scores(framework: Framework, programme_id: int) -> dict[int, list[tuple[int, str]]]:
    """Live criterion id → [(score, rationale)] in ascending order, from any framework version."""
    params: dict[str, Any] = {
        "framework": framework.id,
        "programme": programme_id,
        "review_published": ReviewState.PUBLISHED,
        "programme_published": ProgrammeStatus.PUBLISHED,
    }
    scores: dict[int, list[tuple[int, str]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(PUBLISHED_SCORES_SQL, params)
        for criterion_id, score, rationale in cursor.fetchall():
            scores[criterion_id].append((score, rationale))
    return {criterion_id: sorted(given) for criterion_id, given in scores.items()}


def explain_elements(framework: Framework, programme_id: int) -> list[ElementExplanation]:
    stored_elements = {row.element_key: row for row in ElementRating.objects.filter(programme_id=programme_id)}
    stored_criteria = {
        (row.element_key, row.criterion_code): row for row in CriterionRating.objects.filter(programme_id=programme_id)
    }
    scores = published_scores(framework, programme_id)
    criteria_by_element: dict[str, list[CriterionExplanation]] = defaultdict(list)
    elements = {}
    for criterion in framework_parts(framework).criteria:
        stored = stored_criteria.get((criterion.element.key, criterion.code))
        given = scores.get(criterion.id, [])
        criteria_by_element[criterion.element.key].append(
            CriterionExplanation(
                code=criterion.code,
                title=criterion.title,
                weight=float(criterion.weight),
                scores=[score for score, _ in given],
                mean=stored.mean if stored else None,
                rationales=[rationale for _, rationale in given],
            )
        )
        elements[criterion.element.key] = criterion.element
    return [
        ElementExplanation(
            key=key,
            name=element.name,
            weight=float(element.weight),
            mean=stored_elements[key].score if key in stored_elements else None,
            spread=stored_elements[key].spread if key in stored_elements else 0,
            criteria=criteria_by_element[key],
        )
        for key, element in elements.items()
    ]


def band_rule(framework: Framework, rating: ProgrammeRating | None, elements: list[ElementExplanation]) -> str:
    """The rule that gave the band, in words, with the framework's thresholds and floors."""
    if rating is None or rating.band_rank is None:
        count = rating.review_count if rating else 0
        return (
            f"{framework.not_rated_label}: {count} published review{'s' if count != 1 else ''}; "
            f"a rating needs at least {framework.min_reviews}."
        )
    on_raw = framework.band_score == BandScore.RAW
    score_name, score = ("Raw overall", rating.raw_mean) if on_raw else ("Shown score", rating.shown_score)
    bands = list(framework_parts(framework).bands)
    band = next(b for b in bands if b.name == rating.band)
    rule = f"{score_name} {score_figure(score)}"
    if band is not bands[-1]:
        rule += f" is at least {band.min_score:.2f}"
        if band.element_floor is not None:
            rule += f" and no element is below {band.element_floor:.2f}"
    higher = [b for b in bands if b.min_score > band.min_score]
    if higher:
        rule += f"; {why_not(higher[-1], score, elements)}"
    return f"{rule}: {rating.band}."


def why_not(band: Band, score: float | None, elements: list[ElementExplanation]) -> str:
    """Why the next band up was not reached: its threshold, or the element below its floor."""
    if score is not None and Decimal(score) >= band.min_score and band.element_floor is not None:
        lowest = min((e for e in elements if e.mean is not None), key=lambda e: math.inf if e.mean is None else e.mean)
        return (
            f"{band.name} needs every element at {band.element_floor:.2f} or more, "
            f"and {lowest.name} is {score_figure(lowest.mean)}"
        )
    return f"below {band.min_score:.2f} ({band.name})"
