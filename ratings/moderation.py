"""The moderation check, for convenors before publication: how far apart the handed-in reviews of
a programme are ("method, version 2").

A programme is flagged for moderation when two reviewers' means on one element differ by at least
``Framework.moderation_element_gap``. A single criterion on which reviewers are
``Framework.disagreement_levels`` or more levels apart is highlighted in the side-by-side view but
does not flag the programme on its own. A reviewer's element mean is the weighted mean of the
criteria they scored, as in the rating. Never shown on public pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from reviews.models import Framework, Review, ReviewState

# The reviews handed in whose programme is still to be published: what moderation is about.
AWAITING_PUBLICATION = (ReviewState.SUBMITTED, ReviewState.ACCEPTED)

# Per programme: each criterion's gap between the handed-in reviews, and each element's gap between
# those reviews' own element means (scores matched to ``framework`` by element key and code).
DISAGREEMENT_SQL = """
WITH review_score AS (
    SELECT r.programme_id, r.id AS review_id, m.criterion_id, m.element_key, cs.score,
           CAST(c.weight * 100 AS integer) AS weight
    FROM reviews_review r
    JOIN reviews_criterionscore cs ON cs.review_id = r.id
    JOIN ratings_criterion_map m ON m.source_criterion_id = cs.criterion_id AND m.framework_id = %(framework)s
    JOIN reviews_criterion c ON c.id = m.criterion_id
    WHERE r.id = ANY(%(reviews)s) AND cs.score IS NOT NULL
),
review_element AS (
    SELECT programme_id, review_id, element_key, CAST(SUM(weight * score) AS numeric) / SUM(weight) AS mean
    FROM review_score GROUP BY programme_id, review_id, element_key
)
SELECT programme_id, 'criterion' AS kind, CAST(criterion_id AS text) AS part, MAX(score) - MIN(score) AS gap
FROM review_score GROUP BY programme_id, criterion_id
UNION ALL
SELECT programme_id, 'element', element_key, MAX(mean) - MIN(mean)
FROM review_element GROUP BY programme_id, element_key
"""


@dataclass
class Disagreement:
    """How far apart one programme's handed-in reviews are."""

    criterion_gaps: dict[int, int] = field(default_factory=dict)  # live criterion id → levels apart
    element_gaps: dict[str, Decimal] = field(default_factory=dict)  # element key → difference of means
    highlight_levels: int = 2
    flag_gap: Decimal = Decimal("1")

    @property
    def needs_moderation(self) -> bool:
        return any(gap >= self.flag_gap for gap in self.element_gaps.values())

    def highlighted(self, criterion_id: int) -> bool:
        return self.criterion_gaps.get(criterion_id, 0) >= self.highlight_levels

    @property
    def flagged_elements(self) -> list[str]:
        return [key for key, gap in self.element_gaps.items() if gap >= self.flag_gap]


def moderation_flags(*, programme_ids: Iterable[int], framework: Framework) -> dict[int, Disagreement]:
    """The moderation check of each programme over its reviews awaiting publication (submitted or
    accepted): what convenors see before they publish."""
    reviews = Review.objects.filter(programme_id__in=list(programme_ids), state__in=AWAITING_PUBLICATION)
    return disagreements(review_ids=reviews.values_list("id", flat=True), framework=framework)


def disagreements(*, review_ids: Iterable[int], framework: Framework) -> dict[int, Disagreement]:
    """Programme id → the disagreement between the given reviews of it, scored against (or matched
    to) ``framework``, in one statement for any number of programmes."""
    reviews = list(review_ids)
    found: dict[int, Disagreement] = defaultdict(
        lambda: Disagreement(highlight_levels=framework.disagreement_levels, flag_gap=framework.moderation_element_gap)
    )
    if not reviews:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(DISAGREEMENT_SQL, {"framework": framework.id, "reviews": reviews})
        for programme_id, kind, part, gap in cursor.fetchall():
            if kind == "criterion":
                found[programme_id].criterion_gaps[int(part)] = gap
            else:
                found[programme_id].element_gaps[part] = gap
    return dict(found)
