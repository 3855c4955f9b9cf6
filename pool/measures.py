"""Per-reviewer measures for convenors, over each reviewer's published reviews, each with the
number of reviews behind it. Never shown publicly or to other reviewers (``pool.policies``).

- **Agreement with co-reviewers**: Krippendorff's ordinal alpha (``ratings.agreement``) over every
  pair of (their score, a co-reviewer's score) on the same criterion of the same programme; and
  the mean signed difference of those pairs — above 0 they score more leniently than their
  co-reviewers, below 0 more harshly.
- **Returned at moderation**: the share of their published reviews that a convenor returned at
  least once (from the audit trail).
- **Days to submit**: the median time from assignment to (final) submission.
- **Workload now**: open assignments (assigned, in progress, returned) against capacity.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection

from ratings.agreement import ordinal_alpha
from reviews.audit import Action
from reviews.models import ReviewState

PAIRS_SQL = """
SELECT mine.reviewer_id, own.score, other.score, COUNT(*)
FROM reviews_review mine
JOIN reviews_review co ON co.programme_id = mine.programme_id AND co.state = %(published)s AND co.id <> mine.id
JOIN reviews_criterionscore own ON own.review_id = mine.id AND own.score IS NOT NULL
JOIN reviews_criterionscore other ON other.review_id = co.id AND other.criterion_id = own.criterion_id
    AND other.score IS NOT NULL
WHERE mine.state = %(published)s AND mine.reviewer_id = ANY(%(reviewers)s)
GROUP BY mine.reviewer_id, own.score, other.score
"""

REVIEWS_SQL = """
SELECT r.reviewer_id,
       COUNT(*) AS published,
       COUNT(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM reviews_review co WHERE co.programme_id = r.programme_id
           AND co.state = %(published)s AND co.id <> r.id)) AS with_co_reviewers,
       COUNT(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM reviews_auditevent e WHERE e.review_id = r.id
           AND e.action = %(state_action)s AND e.new_value = %(returned)s)) AS returned,
       COUNT(r.submitted_at) AS timed,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM r.submitted_at - r.assigned_at)) / 86400.0,
       ARRAY(SELECT DISTINCT l.level FROM reviews_review fr
             JOIN reviews_scorelevel l ON l.framework_id = fr.framework_id
             WHERE fr.reviewer_id = r.reviewer_id AND fr.state = %(published)s ORDER BY l.level) AS levels
FROM reviews_review r
WHERE r.state = %(published)s AND r.reviewer_id = ANY(%(reviewers)s)
GROUP BY r.reviewer_id
"""


@dataclass(frozen=True)
class Figure:
    """A measure and the number of reviews (or score pairs) it rests on."""

    value: float | None
    reviews: int


@dataclass(frozen=True)
class ReviewerMeasures:
    reviewer_id: int
    published_reviews: int
    alpha: Figure
    mean_signed_difference: Figure
    score_pairs: int
    returned_share: Figure
    median_days_to_submit: Figure

    @property
    def leaning(self) -> str:
        difference = self.mean_signed_difference.value
        if difference is None:
            return "Not enough reviews shared with others"
        if abs(difference) < 0.1:
            return "In line with co-reviewers"
        return "More lenient than co-reviewers" if difference > 0 else "Harsher than co-reviewers"


def _alpha_and_difference(
    pair_counts: list[tuple[int, int, int]], levels: list[int]
) -> tuple[float | None, float | None, int]:
    vectors: dict[tuple[int, ...], int] = defaultdict(int)
    signed, pairs = 0, 0
    for own, other, count in pair_counts:
        vectors[tuple(int(own == level) + int(other == level) for level in levels)] += count
        signed += (own - other) * count
        pairs += count
    if not pairs:
        return None, None, 0
    return ordinal_alpha([(list(v), n) for v, n in vectors.items()], levels), signed / pairs, pairs


def reviewer_measures(*, reviewer_ids: list[int]) -> dict[int, ReviewerMeasures]:
    """Measures for the reviewers named (a page of them): two grouped queries. Each reviewer's alpha
    ranges over the score levels of the frameworks their published reviews were made against (the
    same levels as ``ratings.agreement.framework_levels``), read in the second query."""
    params: dict[str, Any] = {
        "reviewers": reviewer_ids,
        "published": ReviewState.PUBLISHED,
        "state_action": Action.STATE,
        "returned": ReviewState.RETURNED,
    }
    pairs_by_reviewer: dict[int, list] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(PAIRS_SQL, params)
        for reviewer_id, own, other, count in cursor.fetchall():
            pairs_by_reviewer[reviewer_id].append((own, other, count))
        cursor.execute(REVIEWS_SQL, params)
        review_rows = {row[0]: row[1:] for row in cursor.fetchall()}
    measures = {}
    for reviewer_id in reviewer_ids:
        published, with_co, returned, timed, median_seconds_days, levels = review_rows.get(
            reviewer_id, (0, 0, 0, 0, None, [])
        )
        alpha, difference, pairs = _alpha_and_difference(pairs_by_reviewer[reviewer_id], levels)
        measures[reviewer_id] = ReviewerMeasures(
            reviewer_id=reviewer_id,
            published_reviews=published,
            alpha=Figure(alpha, with_co),
            mean_signed_difference=Figure(difference, with_co),
            score_pairs=pairs,
            returned_share=Figure(returned / published if published else None, published),
            median_days_to_submit=Figure(
                float(median_seconds_days) if median_seconds_days is not None else None, timed
            ),
        )
    return measures
