"""The ratings engine: set-based SQL that recomputes programme and provider ratings.

The method (docs: ARCHITECTURE.md, "How a rating is computed"), every parameter read from the live
framework version:

- criterion score = mean of the published reviews' scores for that criterion;
- element score = weighted mean of its criteria (criterion weights), over criteria with a score;
- raw overall = weighted mean of the elements (element weights), over elements with a score;
- shown score = (n·raw + m·prior) / (n + m), n = published reviews, m = ``Framework.prior_weight``,
  prior = the framework-wide mean raw overall of every rated programme (``FrameworkPrior``);
- a programme with fewer than ``Framework.min_reviews`` published reviews is not rated: its band
  is ``Framework.not_rated_label``, ``band_rank`` and ``shown_score`` are null (its raw mean,
  element scores and review count are still kept);
- band = the band with the highest ``min_score`` not above the shown score (the lowest band
  takes anything below it);
- spread of an element = the largest gap, in levels, between two reviewers' scores on any one of
  its criteria: the same disagreements the moderation page highlights. ``max_spread`` is the
  largest over elements; ``needs_moderation`` when it is ``Framework.disagreement_levels`` or more;
- provider rating = the mean of its rated programmes' shown scores weighted by their number of
  published reviews, banded with the same thresholds.

Which reviews count: published reviews of published programmes, whichever framework version they
were scored on; their scores are matched to the live version's criteria by element key and
criterion code, so a new version's weights and thresholds apply to every existing review.

Exactness: on PostgreSQL every step after the integer sums is done in ``numeric`` (exact sums,
divisions to at least 20 decimal places), so the result does not depend on the order in which
rows are aggregated, the band thresholds compare exactly, and the per-programme and the
whole-register recompute run literally the same statements (only the programme filter differs)
with the same cached prior. They therefore agree to the last bit. SQLite (the embedded demo) runs
the same statements in double precision.

Concurrency: a whole-register recompute takes an exclusive advisory lock; programme recomputes
take it shared plus an exclusive lock per programme and then per provider (always in that order,
each set sorted), so two workers never interleave on one rating and a provider aggregate always
reads its programmes' committed ratings. Unchanged ratings are not rewritten, so running a
recompute twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from programmes.vocabulary import ElementKey, ProgrammeStatus
from ratings.models import FrameworkPrior, ProgrammeRating
from reviews.models import Framework, ReviewState

ELEMENT_KEYS = list(ElementKey.values)
# The statements of a recompute, in order; ``progress`` callbacks receive these names.
RECOMPUTE_STEPS = ["scores", "prior", "bands", "history", "ratings", "withdrawn", "providers"]
Progress = Callable[[str], object]
# Advisory lock keys (two-int form): a namespace for this module, then the object.
LOCK_NAMESPACE_PROGRAMME = 41_001
LOCK_NAMESPACE_PROVIDER = 41_002
LOCK_FULL_RECOMPUTE = 41_000


@dataclass(frozen=True)
class Dialect:
    """The few spellings that differ between PostgreSQL and the embedded SQLite demo."""

    exact: str  # a number type for exact arithmetic
    floating: str
    distinct: str  # row-value "is distinct from"

    @classmethod
    def current(cls) -> Dialect:
        if connection.vendor == "postgresql":
            return cls(exact="numeric(40, 20)", floating="double precision", distinct="IS DISTINCT FROM")
        return cls(exact="REAL", floating="REAL", distinct="IS NOT")


# --- The statements -----------------------------------------------------------------------------
# {scope} is "" for the whole register or "AND {column} IN (%(ids)s…)" for some programmes.

RAW_SQL = """
CREATE TEMP TABLE rating_raw AS
WITH live_criterion AS (
    SELECT c.id, c.code, e.key AS element_key, {element_number} AS element_no,
           CAST(c.weight * 100 AS integer) AS weight
    FROM reviews_criterion c JOIN reviews_element e ON e.id = c.element_id
    WHERE e.framework_id = %(framework)s
),
criterion_map AS (
    -- Every version's criteria onto the live version's, by element key and code.
    SELECT source.id AS source_id, live.id AS live_id
    FROM reviews_criterion source
    JOIN reviews_element source_element ON source_element.id = source.element_id
    JOIN live_criterion live ON live.code = source.code AND live.element_key = source_element.key
),
published_review AS (
    SELECT r.id, r.programme_id
    FROM reviews_review r JOIN programmes_programme p ON p.id = r.programme_id
    WHERE r.state = %(review_published)s AND p.status = %(programme_published)s {review_scope}
),
review_count AS (
    SELECT programme_id, COUNT(*) AS n FROM published_review GROUP BY programme_id
),
per_criterion AS (
    -- The one pass over the criterion scores: the bare floor aggregate (scores joined to the
    -- published reviews), then a join to a few rows that maps them to the live criteria. The
    -- joins run in the order written (join_collapse_limit = 1, see run_recompute): left to
    -- itself the planner misjudges the tiny map and reads the scores once per criterion.
    SELECT pr.programme_id, m.live_id,
           SUM(cs.score) AS total, COUNT(*) AS scored, MAX(cs.score) - MIN(cs.score) AS gap
    FROM reviews_criterionscore cs
    JOIN published_review pr ON pr.id = cs.review_id
    JOIN criterion_map m ON m.source_id = cs.criterion_id
    WHERE cs.score IS NOT NULL
    GROUP BY pr.programme_id, m.live_id
),
per_programme AS (
    -- Per element: the sum over its criteria of weight × total / scored, split so that the
    -- usual case (every published review scored the criterion: scored = n) stays in integers
    -- and needs one exact division per element rather than one per criterion.
    SELECT pc.programme_id, rc.n, MAX(pc.gap) AS max_spread,
           {element_sums}
    FROM per_criterion pc
    JOIN live_criterion lc ON lc.id = pc.live_id
    JOIN review_count rc ON rc.programme_id = pc.programme_id
    GROUP BY pc.programme_id, rc.n
),
per_element AS (
    SELECT programme_id, max_spread,
           {element_scores}
    FROM per_programme
)
SELECT p.id AS programme_id, p.provider_id, COALESCE(rc.n, 0) AS review_count,
       {raw_mean} AS raw, COALESCE(pe.max_spread, 0) AS max_spread, {element_names}
FROM programmes_programme p
LEFT JOIN review_count rc ON rc.programme_id = p.id
LEFT JOIN per_element pe ON pe.programme_id = p.id
WHERE p.status = %(programme_published)s {programme_scope}
"""

PRIOR_SQL = """
INSERT INTO ratings_frameworkprior (framework_id, prior, rated_programmes, computed_at)
SELECT %(framework)s, AVG(raw), COUNT(raw), %(now)s
FROM rating_raw WHERE review_count >= %(min_reviews)s
ON CONFLICT (framework_id) DO UPDATE
SET prior = EXCLUDED.prior, rated_programmes = EXCLUDED.rated_programmes, computed_at = EXCLUDED.computed_at
"""

# The bands as half-open ranges [lower, upper) on the shown score; the lowest band has no floor.
BANDS_CTE = """
band_range AS (
    SELECT name, rank, min_score AS lower,
           LAG(min_score) OVER (ORDER BY min_score DESC) AS upper,
           ROW_NUMBER() OVER (ORDER BY min_score) AS from_bottom
    FROM reviews_band WHERE framework_id = %(framework)s
)"""
BAND_JOIN = """
LEFT JOIN band_range b ON {score} IS NOT NULL
    AND ({score} >= b.lower OR b.from_bottom = 1) AND (b.upper IS NULL OR {score} < b.upper)"""

FINAL_SQL = (
    """
CREATE TEMP TABLE rating_final AS
WITH setting AS (
    SELECT fp.prior, f.prior_weight AS m, f.min_reviews, f.disagreement_levels, f.not_rated_label
    FROM reviews_framework f LEFT JOIN ratings_frameworkprior fp ON fp.framework_id = f.id
    WHERE f.id = %(framework)s
),
shrunk AS (
    SELECT r.*,
           CASE WHEN r.review_count >= s.min_reviews AND r.raw IS NOT NULL
                THEN (r.review_count * r.raw + s.m * s.prior) / (r.review_count + s.m) END AS shown,
           r.max_spread >= s.disagreement_levels AS needs_moderation
    FROM rating_raw r CROSS JOIN setting s
),"""
    + BANDS_CTE
    + """
SELECT sh.*, COALESCE(b.name, s.not_rated_label) AS band, b.rank AS band_rank
FROM shrunk sh CROSS JOIN setting s"""
    + BAND_JOIN.format(score="sh.shown")
)

# A history row whenever what a reader sees changes: the band, the number of reviews or the
# shown score to the two decimals shown. (The prior moves by tiny amounts at every full
# recompute; that is not a change in a programme's rating.)
HISTORY_SQL = """
INSERT INTO ratings_ratinghistory (programme_id, review_count, shown_score, band, computed_at)
SELECT f.programme_id, f.review_count, CAST(f.shown AS {floating}), f.band, %(now)s
FROM rating_final f LEFT JOIN ratings_programmerating old ON old.programme_id = f.programme_id
WHERE old.programme_id IS NULL
   OR (old.band, old.review_count, ROUND(CAST(old.shown_score AS {exact}), 2))
      {distinct} (f.band, f.review_count, ROUND(CAST(CAST(f.shown AS {floating}) AS {exact}), 2))
"""

RATING_COLUMNS = [
    "framework_id",
    "review_count",
    "raw_mean",
    "shown_score",
    "band",
    "band_rank",
    *[f"score_{key}" for key in ELEMENT_KEYS],
    "max_spread",
    "needs_moderation",
]
UPSERT_SQL = """
INSERT INTO ratings_programmerating (programme_id, {columns}, computed_at)
SELECT programme_id, %(framework)s, review_count, CAST(raw AS {floating}), CAST(shown AS {floating}), band,
       band_rank, {element_values}, max_spread, needs_moderation, %(now)s
FROM rating_final WHERE 1 = 1
ON CONFLICT (programme_id) DO UPDATE
SET {assignments}, computed_at = EXCLUDED.computed_at
WHERE ({current}) {distinct} ({excluded})
"""

DELETE_SQL = """
DELETE FROM ratings_programmerating
WHERE NOT EXISTS (SELECT 1 FROM rating_final f WHERE f.programme_id = ratings_programmerating.programme_id)
{rating_scope}
"""

PROVIDER_SQL = (
    """
INSERT INTO ratings_providerrating
    (provider_id, rated_programmes, review_count, shown_score, band, band_rank, computed_at)
WITH setting AS (
    SELECT not_rated_label FROM reviews_framework WHERE id = %(framework)s
),
aggregate AS (
    SELECT pv.id AS provider_id, COUNT(pr.programme_id) AS rated, COALESCE(SUM(pr.review_count), 0) AS reviews,
           SUM(pr.review_count * CAST(pr.shown_score AS {exact})) / SUM(pr.review_count) AS shown
    FROM providers_provider pv
    LEFT JOIN programmes_programme p ON p.provider_id = pv.id
    LEFT JOIN ratings_programmerating pr ON pr.programme_id = p.id AND pr.band_rank IS NOT NULL
    WHERE 1 = 1 {provider_scope}
    GROUP BY pv.id
),"""
    + BANDS_CTE
    + """
SELECT a.provider_id, a.rated, a.reviews, CAST(a.shown AS {floating}), COALESCE(b.name, s.not_rated_label),
       b.rank, %(now)s
FROM aggregate a CROSS JOIN setting s"""
    + BAND_JOIN.format(score="a.shown")
    + """
WHERE 1 = 1
ON CONFLICT (provider_id) DO UPDATE
SET rated_programmes = EXCLUDED.rated_programmes, review_count = EXCLUDED.review_count,
    shown_score = EXCLUDED.shown_score, band = EXCLUDED.band, band_rank = EXCLUDED.band_rank,
    computed_at = EXCLUDED.computed_at
WHERE (ratings_providerrating.rated_programmes, ratings_providerrating.review_count,
       ratings_providerrating.shown_score, ratings_providerrating.band, ratings_providerrating.band_rank)
      {distinct}
      (EXCLUDED.rated_programmes, EXCLUDED.review_count, EXCLUDED.shown_score, EXCLUDED.band, EXCLUDED.band_rank)
"""
)


# --- Public functions ---------------------------------------------------------------------------


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
        return run_recompute(framework, programme_ids=ids, refresh_prior=False)


def recompute_all(*, progress: Progress | None = None) -> int:
    """Recompute every rating in the register, set-based; refreshes the prior first.

    Returns the number of programme ratings (published programmes).
    """
    framework = live_framework()
    if framework is None:
        return 0
    with transaction.atomic():
        lock_whole_register()
        return run_recompute(framework, programme_ids=None, refresh_prior=True, progress=progress)


def live_framework() -> Framework | None:
    return Framework.objects.filter(is_live=True).first()


def has_prior(framework: Framework) -> bool:
    return FrameworkPrior.objects.filter(framework=framework, prior__isnull=False).exists()


# --- The steps ----------------------------------------------------------------------------------


def run_recompute(
    framework: Framework,
    *,
    programme_ids: Sequence[int] | None,
    refresh_prior: bool,
    progress: Progress | None = None,
) -> int:
    """Stage the raw aggregates, (refresh the prior,) finalise, write history and ratings, then
    the providers. Runs inside the caller's transaction; the temporary tables go at the end."""
    dialect = Dialect.current()
    scope_sql, params = id_list(programme_ids)
    params.update(
        framework=framework.id,
        min_reviews=framework.min_reviews,
        review_published=ReviewState.PUBLISHED,
        programme_published=ProgrammeStatus.PUBLISHED,
        now=timezone.now(),
    )
    statements = {
        "scores": raw_sql(dialect, scope_sql, element_weights(framework)),
        "prior": PRIOR_SQL if refresh_prior else None,
        "bands": FINAL_SQL.format(exact=dialect.exact),
        "history": HISTORY_SQL.format(exact=dialect.exact, floating=dialect.floating, distinct=dialect.distinct),
        "ratings": upsert_sql(dialect),
        "withdrawn": DELETE_SQL.format(rating_scope=f"AND programme_id IN ({scope_sql})" if scope_sql else ""),
        "providers": provider_sql(dialect, scope_sql),
    }
    with connection.cursor() as cursor:
        tune_session(cursor)
        cursor.execute("DROP TABLE IF EXISTS rating_raw")
        cursor.execute("DROP TABLE IF EXISTS rating_final")
        for step in RECOMPUTE_STEPS:
            if step == "providers" and scope_sql:
                lock_providers(cursor, params, scope_sql)
            if statements[step]:
                cursor.execute(statements[step], params)
            if progress:
                progress(step)
        cursor.execute("SELECT COUNT(*) FROM rating_final")
        rated = cursor.fetchone()[0]
        cursor.execute("DROP TABLE rating_raw")
        cursor.execute("DROP TABLE rating_final")
    return rated


def provider_sql(dialect: Dialect, scope_sql: str) -> str:
    provider_scope = (
        f"AND pv.id IN (SELECT provider_id FROM programmes_programme WHERE id IN ({scope_sql}))" if scope_sql else ""
    )
    return PROVIDER_SQL.format(
        exact=dialect.exact, floating=dialect.floating, distinct=dialect.distinct, provider_scope=provider_scope
    )


def tune_session(cursor) -> None:
    """Settings for this transaction only (PostgreSQL). The statements join in the order they
    are written; the whole-register aggregate keeps its 3 M groups in memory instead of
    spilling to disk; JIT compilation costs more than it saves on these plans."""
    if connection.vendor != "postgresql":
        return
    cursor.execute("SET LOCAL join_collapse_limit = 1")
    cursor.execute("SET LOCAL work_mem = '512MB'")
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")


def id_list(programme_ids: Sequence[int] | None) -> tuple[str, dict[str, object]]:
    """An SQL list of named parameters (portable: no arrays on SQLite)."""
    if programme_ids is None:
        return "", {}
    names = {f"id{index}": int(programme_id) for index, programme_id in enumerate(programme_ids)}
    return ", ".join(f"%({name})s" for name in names), names


def raw_sql(dialect: Dialect, scope_sql: str, element_weights: dict[str, int]) -> str:
    """The staging statement, with one column per element of the live framework.

    ``element_weights`` maps element key to its weight in hundredths (an integer), read from the
    live framework; elements the framework lacks stay null.
    """
    sums, scores = [], []
    for number, key in enumerate(ELEMENT_KEYS):
        sums.append(
            f"SUM(CASE WHEN lc.element_no = {number} AND pc.scored = rc.n THEN lc.weight * pc.total END) "
            f"AS {key}_whole, "
            f"SUM(CASE WHEN lc.element_no = {number} AND pc.scored <> rc.n "
            f"THEN lc.weight * CAST(pc.total AS {dialect.exact}) / pc.scored END) AS {key}_part, "
            f"SUM(CASE WHEN lc.element_no = {number} THEN lc.weight END) AS {key}_weight"
        )
        scores.append(
            f"(CAST({key}_whole AS {dialect.exact}) / n + COALESCE({key}_part, 0)) / {key}_weight AS score_{key}"
            if key in element_weights
            else f"CAST(NULL AS {dialect.exact}) AS score_{key}"
        )
    weighted = [f"COALESCE({weight} * pe.score_{key}, 0)" for key, weight in element_weights.items()]
    present = [f"CASE WHEN pe.score_{key} IS NULL THEN 0 ELSE {weight} END" for key, weight in element_weights.items()]
    raw_mean = (
        f"({' + '.join(weighted)}) / NULLIF({' + '.join(present)}, 0)" if element_weights else "CAST(NULL AS REAL)"
    )
    element_number = " ".join(f"WHEN '{key}' THEN {number}" for number, key in enumerate(ELEMENT_KEYS))
    return RAW_SQL.format(
        element_number=f"CASE e.key {element_number} END",
        element_sums=",\n           ".join(sums),
        element_scores=",\n           ".join(scores),
        raw_mean=raw_mean,
        element_names=", ".join(f"pe.score_{key}" for key in ELEMENT_KEYS),
        review_scope=f"AND r.programme_id IN ({scope_sql})" if scope_sql else "",
        programme_scope=f"AND p.id IN ({scope_sql})" if scope_sql else "",
    )


def element_weights(framework: Framework) -> dict[str, int]:
    """The live framework's element weights in hundredths, in the order of ``ELEMENT_KEYS``."""
    weights = {key: int(weight * 100) for key, weight in framework.elements.values_list("key", "weight")}
    return {key: weights[key] for key in ELEMENT_KEYS if key in weights}


def upsert_sql(dialect: Dialect) -> str:
    element_values = ", ".join(f"CAST(score_{key} AS {dialect.floating})" for key in ELEMENT_KEYS)
    return UPSERT_SQL.format(
        columns=", ".join(RATING_COLUMNS),
        floating=dialect.floating,
        element_values=element_values,
        assignments=", ".join(f"{column} = EXCLUDED.{column}" for column in RATING_COLUMNS),
        distinct=dialect.distinct,
        current=", ".join(f"ratings_programmerating.{column}" for column in RATING_COLUMNS),
        excluded=", ".join(f"EXCLUDED.{column}" for column in RATING_COLUMNS),
    )


# --- Locks (PostgreSQL; SQLite serialises writers by itself) -----------------------------------


def lock_whole_register() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [LOCK_FULL_RECOMPUTE])


def lock_programmes_and_providers(programme_ids: Sequence[int]) -> None:
    """Shared on the whole register, exclusive on each programme, in id order (no deadlocks)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [LOCK_FULL_RECOMPUTE])
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, CAST(id %% 2147483647 AS integer)) "
            "FROM unnest(%s::bigint[]) AS id ORDER BY id",
            [LOCK_NAMESPACE_PROGRAMME, list(programme_ids)],
        )


def lock_providers(cursor, params: dict, scope_sql: str) -> None:
    """Providers are locked after their programmes, so a provider's aggregate always reads the
    committed ratings of a concurrent recompute of another of its programmes."""
    if connection.vendor != "postgresql":
        return
    cursor.execute(
        "SELECT pg_advisory_xact_lock(%(namespace)s, CAST(provider_id %% 2147483647 AS integer)) "
        f"FROM (SELECT DISTINCT provider_id FROM programmes_programme WHERE id IN ({scope_sql})) AS provider "
        "ORDER BY provider_id",
        {**params, "namespace": LOCK_NAMESPACE_PROVIDER},
    )
