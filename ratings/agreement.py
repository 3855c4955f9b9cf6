"""Reviewer agreement for convenors: Krippendorff's alpha (ordinal), with the ``krippendorff`` package.

Units are programmes with two or more published reviews. Per criterion, a unit is one programme
and its values are the reviewers' scores (the rubric's levels) on that criterion. Per element, the units are
every (programme, criterion) pair of the element's criteria, pooled: how consistently reviewers
score that element's criteria. Scores on earlier framework versions count under the live
version's criterion with the same element and code.

The database does the counting: it returns each distinct "how many reviewers gave 1, 2, 3, 4"
vector with how many units share it, and numpy repeats those vectors into the package's
``value_counts`` matrix, so the whole register (3 M scores) never crosses into Python row by row.
The package raises when no unit has two values and returns NaN when every value is the same
(agreement is then undefined); both are reported as ``alpha=None``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import krippendorff
import numpy as np
from django.db import connection
from django.db.models import QuerySet

from programmes.vocabulary import ProgrammeStatus
from ratings.criterion_map import criteria_onto
from reviews.models import Criterion, Framework, ReviewState


@dataclass(frozen=True)
class AgreementScore:
    key: str  # criterion code or element key
    name: str
    alpha: float | None
    units: int


@dataclass(frozen=True)
class AgreementReport:
    framework_name: str
    framework_version: int
    programmes: int  # programmes with two or more published reviews
    reviews: int  # their published reviews
    criteria: list[AgreementScore]
    elements: list[AgreementScore]

    @property
    def by_criterion(self) -> dict[str, float | None]:
        return {score.key: score.alpha for score in self.criteria}

    @property
    def by_element(self) -> dict[str, float | None]:
        return {score.key: score.alpha for score in self.elements}


UNITS_SQL = """
WITH published_review AS (
    SELECT r.id, r.programme_id
    FROM reviews_review r JOIN programmes_programme p ON p.id = r.programme_id
    WHERE r.state = %(review_published)s AND p.status = %(programme_published)s {programme_filter}
),
reviewed_twice AS (
    SELECT programme_id, COUNT(*) AS reviews FROM published_review GROUP BY programme_id HAVING COUNT(*) >= 2
),
unit AS (
    SELECT map.code, pr.programme_id, {level_counts}
    FROM reviews_criterionscore cs
    JOIN published_review pr ON pr.id = cs.review_id
    JOIN reviewed_twice twice ON twice.programme_id = pr.programme_id
    JOIN unnest(%(criterion_ids)s::bigint[], %(criterion_codes)s::text[]) AS map (criterion_id, code)
        ON map.criterion_id = cs.criterion_id
    WHERE cs.score IS NOT NULL
    GROUP BY map.code, pr.programme_id
)
SELECT code, {levels}, COUNT(*) AS units FROM unit
GROUP BY code, {levels}
"""


def units_sql(levels: list[int], programme_filter: str) -> str:
    """One count column per level of the framework's rubric, however many it has."""
    return UNITS_SQL.format(
        programme_filter=programme_filter,
        level_counts=", ".join(f"COUNT(*) FILTER (WHERE cs.score = {level}) AS level_{level}" for level in levels),
        levels=", ".join(f"level_{level}" for level in levels),
    )


COUNTS_SQL = """
SELECT COUNT(*), COALESCE(SUM(reviews), 0) FROM (
    SELECT r.programme_id, COUNT(*) AS reviews
    FROM reviews_review r JOIN programmes_programme p ON p.id = r.programme_id
    WHERE r.state = %(review_published)s AND p.status = %(programme_published)s {programme_filter}
    GROUP BY r.programme_id HAVING COUNT(*) >= 2
) AS reviewed_twice
"""


def reviewer_agreement(*, programmes: QuerySet | None = None) -> AgreementReport:
    """Alpha per criterion and per element over every programme with 2+ published reviews, or
    over those in ``programmes`` (a Programme queryset, e.g. a convenor's filtered summary)."""
    framework = Framework.objects.get(is_live=True)
    levels = framework_levels(framework)
    programme_filter, params = restriction(programmes)
    criterion_codes = live_codes_by_criterion_id(framework)
    params.update(
        criterion_ids=list(criterion_codes),
        criterion_codes=list(criterion_codes.values()),
        review_published=ReviewState.PUBLISHED,
        programme_published=ProgrammeStatus.PUBLISHED,
    )
    with connection.cursor() as cursor:
        cursor.execute(units_sql(levels, programme_filter), params)
        vectors = cursor.fetchall()
        cursor.execute(COUNTS_SQL.format(programme_filter=programme_filter), params)
        programme_count, review_count = cursor.fetchone()
    by_code: dict[str, list[tuple]] = defaultdict(list)
    for code, *counts, units in vectors:
        by_code[code].append((counts, units))
    criteria = list(Criterion.objects.filter(element__framework=framework).select_related("element"))
    return AgreementReport(
        framework_name=framework.name,
        framework_version=framework.version,
        programmes=programme_count,
        reviews=review_count,
        criteria=[agreement_of(c.code, f"{c.code} {c.title}", by_code[c.code], levels) for c in criteria],
        elements=element_agreements(criteria, by_code, levels),
    )


def live_codes_by_criterion_id(framework: Framework) -> dict[int, str]:
    """Every framework version's criterion ids, mapped to the live version's criterion code.

    Resolved here (a few hundred rows at most) and passed to the big aggregate as arrays: the
    planner cannot estimate a join to the mapping view inside it and chose a nested loop over
    all scores.
    """
    codes = dict(Criterion.objects.filter(element__framework=framework).values_list("id", "code"))
    return {source: codes[live] for source, live in criteria_onto(framework.id).items()}


def restriction(programmes: QuerySet | None) -> tuple[str, dict]:
    """The programme queryset as an SQL filter with named parameters (the statements use them)."""
    if programmes is None:
        return "", {}
    subquery, subquery_params = programmes.values("id").query.sql_with_params()
    parts = [part.replace("%", "%%") for part in subquery.split("%s")]
    named = "".join(part + (f"%(filter{i})s" if i < len(subquery_params) else "") for i, part in enumerate(parts))
    return f"AND r.programme_id IN ({named})", {f"filter{i}": value for i, value in enumerate(subquery_params)}


def element_agreements(
    criteria: list[Criterion], by_code: dict[str, list[tuple]], levels: list[int]
) -> list[AgreementScore]:
    pooled: dict[str, list[tuple]] = defaultdict(list)
    names = {}
    for criterion in criteria:
        pooled[criterion.element.key].extend(by_code[criterion.code])
        names[criterion.element.key] = criterion.element.name
    return [agreement_of(key, names[key], vectors, levels) for key, vectors in pooled.items()]


def agreement_of(key: str, name: str, vectors: list[tuple], levels: list[int]) -> AgreementScore:
    units = sum(count for _, count in vectors)
    return AgreementScore(key=key, name=name, alpha=ordinal_alpha(vectors, levels), units=units)


def framework_levels(framework) -> list[int]:
    """The rubric's levels, 1…n, that an alpha over this framework's scores ranges over."""
    return sorted(framework.levels.values_list("level", flat=True))


def ordinal_alpha(vectors: list[tuple], levels: list[int]) -> float | None:
    """Krippendorff's ordinal alpha from (value-count vector, how many units have it)."""
    if not vectors:
        return None
    counts = np.array([vector for vector, _ in vectors], dtype=np.int64)
    value_counts = np.repeat(counts, [units for _, units in vectors], axis=0)
    try:
        with np.errstate(invalid="ignore", divide="ignore"):
            alpha = krippendorff.alpha(value_counts=value_counts, value_domain=levels, level_of_measurement="ordinal")
    except ValueError:  # no unit with two values
        return None
    return None if np.isnan(alpha) else float(alpha)
