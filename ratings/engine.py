"""The ratings engine: the rating method, in plain SQL, computed once and stored at the grain the
explanation reads.

The method ("method, version 2" in the design; every parameter a setting of the framework version
the ratings are computed against):

- criterion score = mean of the published reviews' scores of that criterion, whichever framework
  version they were scored on (matched by element key and criterion code: ``ratings_criterion_map``);
- element score = weighted mean of its scored criteria (criterion weights);
- raw overall = weighted mean of the scored elements (element weights): the headline score;
- shown score = (n·raw + m·prior) / (n + m), n = published reviews, m = ``Framework.prior_weight``,
  prior = the mean raw overall of every rated programme (cached per version in ``FrameworkPrior``):
  it orders "best rated" lists;
- band = the highest band whose ``min_score`` the band score reaches (the raw overall, or the
  shown score for versions published under method version 1: ``Framework.band_score``) and none
  of whose elements is below the band's ``element_floor``; the lowest band takes the rest; fewer
  than ``Framework.min_reviews`` published reviews: ``Framework.not_rated_label``, no band rank;
- spread = the largest gap, in levels, between two reviewers' scores on one criterion (per element,
  and the largest over elements);
- range = the lowest and highest of the published reviews' own overalls, each review's overall
  being the raw overall above computed from that review's scores alone (shown beside the headline);
- provider = the means of its rated programmes' raw and shown scores, weighted by their published
  reviews, banded on the same thresholds (a provider has no elements, so no floors).

Where it is stored: per programme and criterion (``CriterionRating``), per programme and element
(``ElementRating``), per programme (``ProgrammeRating``, with the element scores again as columns
for the directory's filters) and per provider (``ProviderRating``).

How: the stages below (``stages``) compute every figure, step by step; each stored table is then
brought in line with its stage, writing only the rows that differ. The whole register and the
preview of a framework draft stage into temporary tables (dropped at commit), analysed where the
planner must size millions of rows; a few programmes' recompute runs the same queries as the
common table expressions of one statement that writes all three tables. Only the programme
filter, the framework and what happens to the staged rows differ.
Arithmetic after the integer sums is ``numeric`` (exact), so the result does not depend on the
order rows are aggregated in and the thresholds compare exactly; stored figures are rounded once,
to double precision, at the end.

The prior moves a little whenever any programme changes. It is refreshed only by the whole-register
recompute (nightly, after a framework version is published, and when a version has no prior yet),
so every recompute in between reads the same value and one programme's recompute gives exactly
what the whole-register recompute would.

Concurrency: a whole-register recompute takes an exclusive advisory lock; programme recomputes take
it shared plus an exclusive lock per programme and then per provider (always in that order, each set
sorted), so two workers never interleave on one rating and a provider aggregate always reads its
programmes' committed ratings.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from programmes.vocabulary import ElementKey, ProgrammeStatus
from ratings.models import FrameworkPrior, ProgrammeRating
from reviews.models import Framework, ReviewState

ELEMENT_KEYS = list(ElementKey.values)
# The steps of a recompute, in order; ``progress`` callbacks receive these names.
RECOMPUTE_STEPS = ["scores", "prior", "bands", "criteria", "elements", "ratings", "providers"]
Progress = Callable[[str], object]
# Advisory lock keys (two-int form): a namespace for this module, then the object.
LOCK_NAMESPACE_PROGRAMME = 41_001
LOCK_NAMESPACE_PROVIDER = 41_002
LOCK_FULL_RECOMPUTE = 41_000
EXACT = "numeric(40, 20)"

# --- Staging: the method, step by step ------------------------------------------------------------
# {scope} is empty for the whole register, or a condition on the programme ids (%(programme_ids)s).

# The framework's criteria with their weights in hundredths (integers: exact sums).
LIVE_CRITERIA = """
SELECT c.id, e.id AS element_id, e.key AS element_key, c.code AS criterion_code,
           CAST(c.weight * 100 AS integer) AS weight, CAST(e.weight * 100 AS integer) AS element_weight
    FROM reviews_criterion c JOIN reviews_element e ON e.id = c.element_id
WHERE e.framework_id = %(framework)s
"""
# Each criterion the published scores may be recorded against (any framework version), with the
# live criterion it counts as, that one's element and their weights.
CRITERION_MAP = """
SELECT m.source_criterion_id, lc.id AS criterion_id, lc.element_id, lc.weight, lc.element_weight
FROM ratings_criterion_map m JOIN live_criterion lc ON lc.id = m.criterion_id
WHERE m.framework_id = %(framework)s
"""
# Every published programme in scope and its number of published reviews (scored or not).
STAGE_PROGRAMMES = """
SELECT p.id AS programme_id, p.provider_id, COUNT(r.id) AS review_count
FROM programmes_programme p
LEFT JOIN reviews_review r ON r.programme_id = p.id AND r.state = %(review_published)s
WHERE p.status = %(programme_published)s {scope}
GROUP BY p.id, p.provider_id
"""

# The scores that count: every score of each published review of a programme being recomputed,
# with the live criterion it maps to.
PUBLISHED_SCORES = """
FROM staged_programme sp
JOIN reviews_review r ON r.programme_id = sp.programme_id AND r.state = %(review_published)s
JOIN reviews_criterionscore cs ON cs.review_id = r.id
JOIN criterion_map m ON m.source_criterion_id = cs.criterion_id
WHERE cs.score IS NOT NULL
"""

# Per programme and live criterion: its published scores' count, sum, mean, lowest and highest.
# These rows are also the stored criterion ratings (``CriterionRating``'s columns). They carry what
# the element step needs (the programme's review count, the weights), so that step reads this one
# table. The scores are grouped on the two integer keys only (a programme's review count is the same
# on each of its rows: MAX picks it); the criterion's text keys are joined to the far fewer groups.
STAGE_CRITERIA = f"""
SELECT per_criterion.*, lc.element_key, lc.criterion_code, lc.weight, lc.element_weight,
       CAST(per_criterion.total AS double precision) / per_criterion.scores AS mean
FROM (
    SELECT r.programme_id, m.criterion_id, MAX(sp.review_count) AS review_count, COUNT(*) AS scores,
           SUM(cs.score) AS total, MIN(cs.score) AS lowest, MAX(cs.score) AS highest
    {PUBLISHED_SCORES}
    GROUP BY r.programme_id, m.criterion_id
) AS per_criterion
JOIN live_criterion lc ON lc.id = per_criterion.criterion_id
"""

# The element score is sum(weight × criterion mean) / sum(weight) over its scored criteria. The
# criteria that every published review scored (scores = review_count, the usual case) are summed as
# integers and divided once; the others each add weight × total / scores. Both are exact. (An
# element's weight and a programme's review count are the same on each of its rows: MAX picks it.)
STAGE_ELEMENTS = f"""
SELECT sc.programme_id, sc.element_key, MAX(sc.element_weight) AS element_weight,
       (
           COALESCE(CAST(SUM(CAST(sc.weight * sc.total AS integer)) FILTER (WHERE sc.scores = sc.review_count)
                         AS {EXACT}) / MAX(sc.review_count), 0)
           + COALESCE(SUM(sc.weight * CAST(sc.total AS {EXACT}) / sc.scores)
                      FILTER (WHERE sc.scores <> sc.review_count), 0)
       ) / SUM(sc.weight) AS score,
       MAX(sc.highest - sc.lowest) AS spread
FROM staged_criterion sc
GROUP BY sc.programme_id, sc.element_key
"""


# Each published review's own overall (the element and overall steps above on one review's scores,
# where a criterion's mean is its one score), and per programme the lowest and highest of them.
# Grouped by review, the scores are read in review order (the index on a review's scores) and
# summed as they come: each review's elements (only its few rows are sorted, by the element's id,
# which compares faster than its text key), then its overall (a review's programme is the same on
# each of its rows: MAX picks it). No sort or hash of the millions of rows; the criterion map is
# looked up by its index.
STAGE_REVIEW_RANGE = f"""
SELECT per_review.programme_id, MIN(per_review.overall) AS lowest, MAX(per_review.overall) AS highest
FROM (
    SELECT per_element.review_id, MAX(per_element.programme_id) AS programme_id,
           SUM(per_element.element_weight * per_element.score) / SUM(per_element.element_weight) AS overall
    FROM (
        SELECT r.id AS review_id, r.programme_id, MAX(m.element_weight) AS element_weight,
               CAST(SUM(m.weight * cs.score) AS {EXACT}) / SUM(m.weight) AS score
        {PUBLISHED_SCORES}
        GROUP BY r.id, m.element_id
    ) AS per_element
    GROUP BY per_element.review_id
) AS per_review
GROUP BY per_review.programme_id
"""


def stage_overall_sql() -> str:
    """The raw overall per programme, its lowest element and its largest spread, with one column
    per element (null where the programme has no score on it) for the directory's filters."""
    element_columns = ",\n       ".join(
        f"MAX(se.score) FILTER (WHERE se.element_key = '{key}') AS score_{key}" for key in ELEMENT_KEYS
    )
    return f"""
SELECT sp.programme_id, sp.provider_id, sp.review_count,
       SUM(se.element_weight * se.score) / SUM(se.element_weight) AS raw,
       MIN(se.score) AS lowest_element,
       COALESCE(MAX(se.spread), 0) AS max_spread,
       {element_columns}
FROM staged_programme sp
LEFT JOIN staged_element se ON se.programme_id = sp.programme_id
GROUP BY sp.programme_id, sp.provider_id, sp.review_count
"""


# The prior: the mean raw overall of the rated programmes, each counted once.
PRIOR_OF_STAGED = """
SELECT AVG(raw) AS prior, COUNT(raw) AS rated_programmes
FROM staged_overall WHERE review_count >= %(min_reviews)s
"""
STORE_PRIOR = f"""
INSERT INTO ratings_frameworkprior (framework_id, prior, rated_programmes, computed_at)
SELECT %(framework)s, prior, rated_programmes, %(now)s FROM ({PRIOR_OF_STAGED}) AS staged
ON CONFLICT (framework_id) DO UPDATE
SET prior = EXCLUDED.prior, rated_programmes = EXCLUDED.rated_programmes, computed_at = EXCLUDED.computed_at
"""
# The framework's settings and the prior the bands step reads: the cached one, or (for a
# preview of a draft, which has none) the one the staged rows give.
SETTING_FROM_CACHE = """
SELECT f.prior_weight AS m, f.min_reviews, f.not_rated_label, f.band_score, fp.prior
FROM reviews_framework f LEFT JOIN ratings_frameworkprior fp ON fp.framework_id = f.id
WHERE f.id = %(framework)s
"""
SETTING_FROM_STAGED = f"""
SELECT f.prior_weight AS m, f.min_reviews, f.not_rated_label, f.band_score, staged.prior
FROM reviews_framework f CROSS JOIN ({PRIOR_OF_STAGED}) AS staged
WHERE f.id = %(framework)s
"""


def band_join(score: str, lowest_element: str | None) -> str:
    """The band of ``score``: the band with the highest ``min_score`` it reaches whose element floor
    (if any) ``lowest_element`` meets (floors do not apply without one); the lowest band takes
    anything else. None without a score."""
    floor = (
        ""
        if lowest_element is None
        else f"\n            AND (b.element_floor IS NULL OR {lowest_element} >= b.element_floor)"
    )
    return f"""
LEFT JOIN LATERAL (
    SELECT b.name, b.rank FROM reviews_band b
    WHERE b.framework_id = %(framework)s
      AND (({score} >= b.min_score{floor})
           OR b.min_score = (SELECT MIN(lowest.min_score) FROM reviews_band lowest
                             WHERE lowest.framework_id = %(framework)s))
    ORDER BY b.min_score DESC
    LIMIT 1
) AS band ON {score} IS NOT NULL"""


def stage_ratings_sql() -> str:
    """Shrinkage and the band: the programme ratings as they are stored."""
    elements = listed([f"CAST(o.score_{key} AS double precision) AS score_{key}" for key in ELEMENT_KEYS])
    return f"""
WITH shrunk AS (
    SELECT o.*,
           CASE WHEN o.review_count >= s.min_reviews AND o.raw IS NOT NULL
                THEN (o.review_count * o.raw + s.m * s.prior) / (o.review_count + s.m) END AS shown,
           CASE WHEN o.review_count >= s.min_reviews THEN o.raw END AS rated_raw
    FROM staged_overall o CROSS JOIN rating_setting s
)
SELECT o.programme_id, %(framework)s AS framework_id, o.review_count,
       CAST(o.raw AS double precision) AS raw_mean, CAST(o.shown AS double precision) AS shown_score,
       COALESCE(band.name, s.not_rated_label) AS band, band.rank AS band_rank,
       {elements}, o.max_spread,
       CAST(rr.lowest AS double precision) AS lowest_review_overall,
       CAST(rr.highest AS double precision) AS highest_review_overall
FROM shrunk o CROSS JOIN rating_setting s
LEFT JOIN staged_review_range rr ON rr.programme_id = o.programme_id
{band_join("CASE s.band_score WHEN 'raw' THEN o.rated_raw ELSE o.shown END", "o.lowest_element")}
"""


STAGE_STORED_ELEMENTS = """
SELECT programme_id, element_key, CAST(score AS double precision) AS score, spread FROM staged_element
"""

# --- Writing only what changed --------------------------------------------------------------------


def listed(items: Sequence[str], separator: str = ", ") -> str:
    """``items`` joined, broken into lines of about 100 characters: the generated SQL stays readable."""
    lines = textwrap.wrap(separator.join(items), 100, break_long_words=False, break_on_hyphens=False)
    return "\n           ".join(lines)


@dataclass(frozen=True)
class StoredTable:
    """A stored rating table and the stage (``Stage.name``) with the same columns."""

    table: str
    staged: str
    keys: tuple[str, ...]
    values: tuple[str, ...]
    stamped: bool = False  # has a computed_at column, set when a row is written

    @property
    def change(self) -> str:
        """The name of the CTE of its changed rows."""
        return f"change_{self.staged}"

    def writes(self, scope: str) -> str:
        """The CTEs that bring the stored rows in scope in line with the staged ones: their
        differences (``change``: every key and the staged values, ``is_new``, ``is_gone``), then an
        UPDATE, INSERT and DELETE of just those rows. Every part of a statement sees the stored rows
        as they were before it, so several tables' writes can share one statement."""
        keys_match = " AND ".join(f"stored.{key} = staged.{key}" for key in self.keys)
        keys_of_change = listed([f"{self.table}.{key} = c.{key}" for key in self.keys], " AND ")
        columns = listed([*self.keys, *self.values])
        staged_values = listed([f"staged.{value}" for value in self.values])
        stored_values = listed([f"stored.{value}" for value in self.values])
        stamp = ", computed_at = %(now)s" if self.stamped else ""
        return f"""
{self.change} AS MATERIALIZED (
    SELECT {listed([f"COALESCE(staged.{key}, stored.{key}) AS {key}" for key in self.keys])},
           {staged_values},
           stored.{self.keys[0]} IS NULL AS is_new, staged.{self.keys[0]} IS NULL AS is_gone
    FROM {self.staged} staged
    FULL JOIN (SELECT * FROM {self.table} WHERE TRUE {scope}) AS stored
        ON {keys_match}
    WHERE stored.{self.keys[0]} IS NULL OR staged.{self.keys[0]} IS NULL
       OR ({staged_values})
          IS DISTINCT FROM
          ({stored_values})
),
updated_{self.staged} AS (
    UPDATE {self.table} SET {listed([f"{value} = c.{value}" for value in self.values])}{stamp}
    FROM {self.change} c WHERE {keys_of_change} AND NOT c.is_new AND NOT c.is_gone
),
inserted_{self.staged} AS (
    INSERT INTO {self.table} ({columns}{", computed_at" if self.stamped else ""})
    SELECT {columns}{", %(now)s" if self.stamped else ""} FROM {self.change} WHERE is_new
),
deleted_{self.staged} AS (
    DELETE FROM {self.table} USING {self.change} c WHERE {keys_of_change} AND c.is_gone
)"""


CRITERION_RATINGS = StoredTable(
    table="ratings_criterionrating",
    staged="staged_criterion",
    keys=("programme_id", "element_key", "criterion_code"),
    values=("scores", "mean", "lowest", "highest"),
)
ELEMENT_RATINGS = StoredTable(
    table="ratings_elementrating",
    staged="staged_element_rating",
    keys=("programme_id", "element_key"),
    values=("score", "spread"),
)
PROGRAMME_RATINGS = StoredTable(
    table="ratings_programmerating",
    staged="staged_rating",
    keys=("programme_id",),
    values=(
        "framework_id",
        "review_count",
        "raw_mean",
        "shown_score",
        "band",
        "band_rank",
        *[f"score_{key}" for key in ELEMENT_KEYS],
        "max_spread",
        "lowest_review_overall",
        "highest_review_overall",
    ),
    stamped=True,
)

STORED_TABLES = [CRITERION_RATINGS, ELEMENT_RATINGS, PROGRAMME_RATINGS]

# A history row for each change a reader sees: the band, the number of reviews, or a score to the
# two decimals shown. (The prior moves by tiny amounts at every full recompute; that is not a
# change in a programme's rating.) Part of the statement that writes the programme ratings.
HISTORY_CTE = f"""
history AS (
    INSERT INTO ratings_ratinghistory (programme_id, review_count, raw_mean, shown_score, band, computed_at)
    SELECT c.programme_id, c.review_count, c.raw_mean, c.shown_score, c.band, %(now)s
    FROM {PROGRAMME_RATINGS.change} c LEFT JOIN ratings_programmerating stored ON stored.programme_id = c.programme_id
    WHERE NOT c.is_gone
      AND (stored.programme_id IS NULL
           OR (stored.band, stored.review_count, ROUND(CAST(stored.raw_mean AS {EXACT}), 2),
               ROUND(CAST(stored.shown_score AS {EXACT}), 2))
              IS DISTINCT FROM
              (c.band, c.review_count, ROUND(CAST(c.raw_mean AS {EXACT}), 2),
               ROUND(CAST(c.shown_score AS {EXACT}), 2)))
)"""


def provider_sql(*, scoped: bool, ctes: str = "") -> str:
    """Every provider's aggregate, or (when ``scoped``) only the providers of the programmes in
    %(programme_ids)s. One statement: which programmes count toward a provider is decided here.
    ``ctes``: the stages it reads (``rating_setting``), when they are not temporary tables."""
    providers = (
        "(SELECT DISTINCT provider_id AS id FROM programmes_programme WHERE id = ANY(%(programme_ids)s))"
        if scoped
        else "providers_provider"
    )
    return f"""
WITH {ctes}{provider_aggregate_cte(providers)}
{provider_upsert_sql()}"""


def provider_aggregate_cte(providers: str) -> str:
    """The ``aggregate`` stage: each of ``providers`` with its counted programme ratings' review
    count and review-weighted means (a provider with none counted has no means)."""
    return f"""aggregate AS (
    SELECT pv.id AS provider_id, COUNT(pr.programme_id) AS rated,
           COALESCE(SUM(pr.review_count), 0) AS reviews,
           SUM(pr.review_count * CAST(pr.raw_mean AS {EXACT})) / SUM(pr.review_count) AS raw,
           SUM(pr.review_count * CAST(pr.shown_score AS {EXACT})) / SUM(pr.review_count) AS shown
    FROM {providers} pv
    LEFT JOIN programmes_programme p ON p.provider_id = pv.id
    LEFT JOIN (
        -- An expired rating is kept and shown as expired, but no longer counts for its provider.
        -- (An anti-join, not NOT IN: a provider's few programmes probe the index, not every row.)
        SELECT counted.* FROM ratings_programmerating counted
        WHERE counted.band_rank IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM ratings_ratingvalidity v
            WHERE v.programme_id = counted.programme_id AND v.expired_at IS NOT NULL)
    ) AS pr ON pr.programme_id = p.id
    GROUP BY pv.id
)"""


def provider_upsert_sql() -> str:
    """Each aggregate banded on the score the framework bands on, written as its provider's
    rating; a stored rating that would not change is not rewritten."""
    return f"""INSERT INTO ratings_providerrating
    (provider_id, rated_programmes, review_count, raw_mean, shown_score, band, band_rank, computed_at)
SELECT a.provider_id, a.rated, a.reviews, CAST(a.raw AS double precision), CAST(a.shown AS double precision),
       COALESCE(band.name, s.not_rated_label), band.rank, %(now)s
FROM aggregate a CROSS JOIN rating_setting s
{band_join("CASE s.band_score WHEN 'raw' THEN a.raw ELSE a.shown END", None)}
ON CONFLICT (provider_id) DO UPDATE
SET rated_programmes = EXCLUDED.rated_programmes, review_count = EXCLUDED.review_count,
    raw_mean = EXCLUDED.raw_mean, shown_score = EXCLUDED.shown_score, band = EXCLUDED.band,
    band_rank = EXCLUDED.band_rank, computed_at = EXCLUDED.computed_at
WHERE (ratings_providerrating.rated_programmes, ratings_providerrating.review_count,
       ratings_providerrating.raw_mean, ratings_providerrating.shown_score,
       ratings_providerrating.band, ratings_providerrating.band_rank)
      IS DISTINCT FROM
      (EXCLUDED.rated_programmes, EXCLUDED.review_count, EXCLUDED.raw_mean, EXCLUDED.shown_score,
       EXCLUDED.band, EXCLUDED.band_rank)
"""


# --- Public functions -----------------------------------------------------------------------------


def recompute_programme(*, programme_id: int) -> ProgrammeRating | None:
    """Recompute one programme's rating and its provider's; returns the rating (None if the
    programme is not published, or does not exist)."""
    recompute_programmes(programme_ids=[programme_id])
    return ProgrammeRating.objects.filter(programme_id=programme_id).first()


def recompute_programmes(*, programme_ids: Iterable[int]) -> int:
    """Recompute the ratings of some programmes (and of their providers) with the cached prior.

    Returns how many of them are published (and so have a rating). If the live framework has no
    prior yet (a new version, or a new register), the whole register is recomputed instead: the
    prior is a property of the whole register.
    """
    ids = sorted(set(programme_ids))
    if not ids:
        return 0
    framework = live_framework()
    if framework is None:
        return 0
    if not has_prior(framework):
        recompute_all()
        return ProgrammeRating.objects.filter(programme_id__in=ids).count()
    with transaction.atomic():
        lock_programmes_and_providers(ids)
        return run_recompute(framework, programme_ids=ids)


def recompute_all(*, progress: Progress | None = None) -> int:
    """Recompute every rating in the register, set-based; refreshes the prior first.

    Returns the number of programme ratings (published programmes).
    """
    framework = live_framework()
    if framework is None:
        return 0
    with transaction.atomic():
        lock_whole_register()
        return run_recompute(framework, programme_ids=None, progress=progress)


def live_framework() -> Framework | None:
    return Framework.objects.filter(is_live=True).first()


def has_prior(framework: Framework) -> bool:
    return FrameworkPrior.objects.filter(framework=framework, prior__isnull=False).exists()


# --- The steps ------------------------------------------------------------------------------------


def parameters(framework: Framework, programme_ids: Sequence[int] | None) -> dict[str, Any]:
    return {
        "framework": framework.id,
        "min_reviews": framework.min_reviews,
        "review_published": ReviewState.PUBLISHED,
        "programme_published": ProgrammeStatus.PUBLISHED,
        "programme_ids": list(programme_ids) if programme_ids is not None else None,
        "now": timezone.now(),
    }


def scope_condition(column: str, programme_ids: Sequence[int] | None) -> str:
    return "" if programme_ids is None else f"AND {column} = ANY(%(programme_ids)s)"


@dataclass(frozen=True)
class Stage:
    """One step of the method: a query whose rows the later steps (and the writes) read by ``name``.

    The whole register stages each one into a temporary table, which the planner can then size
    (``analyze``) before it hashes millions of rows; a few programmes run the same queries as the
    common table expressions of the one statement that writes them, which spares creating and
    dropping ten tables."""

    name: str
    query: str
    step: str  # the recompute step (``RECOMPUTE_STEPS``) it is part of
    analyze: bool = False
    index: str | None = None  # a column the later stages look rows up by


def stages(programme_ids: Sequence[int] | None, *, prior: str) -> list[Stage]:
    """Every figure of the method, in order, for the programmes in scope."""
    scope = scope_condition("p.id", programme_ids)
    return [
        Stage("live_criterion", LIVE_CRITERIA, "scores", analyze=True),
        Stage("criterion_map", CRITERION_MAP, "scores", analyze=True, index="source_criterion_id"),
        Stage("staged_programme", STAGE_PROGRAMMES.format(scope=scope), "scores", analyze=True),
        Stage("staged_criterion", STAGE_CRITERIA, "scores", analyze=True),
        Stage("staged_element", STAGE_ELEMENTS, "scores"),
        Stage("staged_overall", stage_overall_sql(), "scores"),
        Stage("staged_review_range", STAGE_REVIEW_RANGE, "scores"),
        Stage("rating_setting", SETTING_FROM_STAGED if prior == "staged" else SETTING_FROM_CACHE, "prior"),
        Stage("staged_rating", stage_ratings_sql(), "bands"),
        Stage("staged_element_rating", STAGE_STORED_ELEMENTS, "bands"),
    ]


STAGING_STEPS = ["scores", "prior", "bands"]


def stage(
    cursor,
    framework: Framework,
    programme_ids: Sequence[int] | None,
    *,
    prior: str,
    report: Progress = lambda step: None,
) -> None:
    """Stage every rating of the programmes in scope, computed against ``framework``, in temporary
    tables of this transaction (``Stage.name``): ``staged_rating``, ``staged_criterion`` and
    ``staged_element_rating`` have (at least) the columns of the stored tables.

    ``prior``: "refresh" (store the prior of the staged rows, then use it: the whole register),
    "cached" (the stored prior: some programmes) or "staged" (the prior of the staged rows without
    storing it: a preview).
    """
    params = parameters(framework, programme_ids)
    # JIT compilation of these statements (the only ones costly enough for the planner to compile)
    # takes longer than it saves.
    cursor.execute("SET LOCAL jit = off")
    planned = stages(programme_ids, prior=prior)
    for step in STAGING_STEPS:
        if step == "prior" and prior == "refresh":
            cursor.execute(STORE_PRIOR, params)
        for staged in (staged for staged in planned if staged.step == step):
            cursor.execute(f"CREATE TEMP TABLE {staged.name} ON COMMIT DROP AS {staged.query}", params)
            if staged.index:
                cursor.execute(f"CREATE INDEX ON {staged.name} ({staged.index})")
            if staged.analyze:
                cursor.execute(f"ANALYZE {staged.name}")
        report(step)


def staged_ctes(programme_ids: Sequence[int], statement: str) -> str:
    """The stages that ``statement`` reads (directly or through other stages), in order, as its
    leading common table expressions: a few programmes' recompute stages nothing in tables."""
    needed: list[Stage] = []
    reads = statement
    for staged in reversed(stages(programme_ids, prior="cached")):
        if re.search(rf"\b{staged.name}\b", reads):
            needed.insert(0, staged)
            reads += staged.query
    return "".join(f"{staged.name} AS ({staged.query}),\n" for staged in needed)


def writes_sql(tables: Sequence[StoredTable], scope: str, *, then: str, ctes: str = "") -> str:
    """One statement writing what changed in ``tables`` (and the history, with the programme
    ratings); ``then`` is its final query, ``ctes`` the stages it reads when they are not tables."""
    parts = [table.writes(scope) for table in tables]
    if PROGRAMME_RATINGS in tables:
        parts.append(HISTORY_CTE)
    return f"WITH {ctes}{','.join(parts)}\n{then}"


def run_recompute(
    framework: Framework, *, programme_ids: Sequence[int] | None, progress: Progress | None = None
) -> int:
    """Stage, then write the criterion, element, programme and provider rows that changed. Runs
    inside the caller's transaction; the whole register (``programme_ids`` None) refreshes the prior.
    Returns the number of programme ratings in scope (its published programmes)."""
    if programme_ids is None:
        return run_whole_register(framework, progress or (lambda step: None))
    params = parameters(framework, programme_ids)
    scope = scope_condition("programme_id", programme_ids)
    # For a few programmes, planning and round trips are most of the time: the three tables are
    # written by one statement, which computes the stages once.
    then = "SELECT COUNT(*) FROM staged_rating"
    writes = writes_sql(STORED_TABLES, scope, then=then)
    with connection.cursor() as cursor:
        execute_prepared(
            cursor, writes_sql(STORED_TABLES, scope, then=then, ctes=staged_ctes(programme_ids, writes)), params
        )
        rated = cursor.fetchone()[0]
        lock_providers(cursor, params)
        providers = provider_sql(scoped=True)
        cursor.execute(provider_sql(scoped=True, ctes=staged_ctes(programme_ids, providers)), params)
    return rated


# Planning the statement that writes a few programmes' ratings takes longer than running it, so it
# is prepared once per database connection and its generic plan reused: the programme ids are its
# only input that varies, and the plan for a few of them is the same whichever they are. The name
# carries a digest of the text, so a connection never runs a statement prepared from other SQL.
PARAMETER_TYPES = {
    "framework": "bigint",
    "min_reviews": "integer",
    "review_published": "text",
    "programme_published": "text",
    "programme_ids": "bigint[]",
    "now": "timestamptz",
}


def execute_prepared(cursor, sql: str, params: dict[str, Any]) -> None:
    """Execute ``sql`` (%(name)s parameters, from ``parameters``) as this connection's prepared
    statement, preparing it first if the connection has not yet."""
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", sql)))
    prepared = f"ratings_{hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:16]}"
    cursor.execute(
        "SELECT set_config('plan_cache_mode', 'force_generic_plan', true), "
        "EXISTS (SELECT 1 FROM pg_prepared_statements WHERE name = %s)",
        [prepared],
    )
    if not cursor.fetchone()[1]:
        positional = re.sub(r"%\((\w+)\)s", lambda match: f"${names.index(match.group(1)) + 1}", sql)
        types = ", ".join(PARAMETER_TYPES[name] for name in names)
        cursor.execute(f"PREPARE {prepared} ({types}) AS {positional}")
    cursor.execute(f"EXECUTE {prepared} ({', '.join(['%s'] * len(names))})", [params[name] for name in names])


def run_whole_register(framework: Framework, report: Progress) -> int:
    """The stages in temporary tables, then one statement per stored table (each hashes millions
    of rows: one at a time), reporting each step."""
    params = parameters(framework, None)
    with connection.cursor() as cursor:
        stage(cursor, framework, None, prior="refresh", report=report)
        for table, step in zip(STORED_TABLES, ["criteria", "elements", "ratings"], strict=True):
            cursor.execute(writes_sql([table], "", then=f"SELECT COUNT(*) FROM {table.change}"), params)
            report(step)
        cursor.execute(provider_sql(scoped=False), params)
        report("providers")
        cursor.execute("SELECT COUNT(*) FROM staged_rating")
        rated = cursor.fetchone()[0]
        drop_staged(cursor)
    return rated


def drop_staged(cursor) -> None:
    """Drop the temporary tables now rather than at commit, so that two recomputes in one
    transaction (a test, a sweep's batches) do not collide."""
    names = ", ".join(staged.name for staged in stages(None, prior="refresh"))
    cursor.execute(f"DROP TABLE IF EXISTS {names}")


# --- Locks ----------------------------------------------------------------------------------------


def lock_whole_register() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [LOCK_FULL_RECOMPUTE])


def lock_programmes_and_providers(programme_ids: Sequence[int]) -> None:
    """Shared on the whole register, exclusive on each programme, in id order (no deadlocks)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [LOCK_FULL_RECOMPUTE])
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, CAST(id %% 2147483647 AS integer)) "
            "FROM unnest(%s::bigint[]) AS id ORDER BY id",
            [LOCK_NAMESPACE_PROGRAMME, list(programme_ids)],
        )


def lock_providers(cursor, params: dict[str, Any]) -> None:
    """Providers are locked after their programmes, so a provider's aggregate always reads the
    committed ratings of a concurrent recompute of another of its programmes."""
    cursor.execute(
        "SELECT pg_advisory_xact_lock(%(namespace)s, CAST(provider_id %% 2147483647 AS integer)) "
        "FROM (SELECT DISTINCT provider_id FROM programmes_programme WHERE id = ANY(%(programme_ids)s)) AS provider "
        "ORDER BY provider_id",
        {**params, "namespace": LOCK_NAMESPACE_PROVIDER},
    )
