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

How (RAW_SQL): one pass over the criterion scores, grouped per review, not per programme and
criterion. Usually every published review of a programme scored every live criterion once; then
each review's scores are packed into integers (a fixed field per live criterion), summed per
programme field by field, and each element's integer sum of weight × score is read off the
fields; the spread comes from the same scores written as "thermometers" (score s sets s − 1 bits):
OR over the reviews keeps each criterion's highest score, AND its lowest. Programmes for which
that would not be exact (a live criterion some review left unscored, e.g. one a newer version
added or recoded, or scored twice, or too many reviews for a field) are flagged and computed by
the per-criterion statement (PER_CRITERION_SQL), restricted to them. Both paths end in the same
expression on the same integers, so the path never changes a rating (a property test checks it).

Exactness: every step after the integer sums is done in ``numeric`` (exact sums,
divisions to at least 20 decimal places), so the result does not depend on the order in which
rows are aggregated, the band thresholds compare exactly, and the per-programme and the
whole-register recompute run literally the same statements (only the programme filter differs)
with the same cached prior. They therefore agree to the last bit (the property tests check it).
Only planner settings differ: the whole-register transaction forbids sorts (see tune_session).

The prior moves a little whenever any programme changes. It is cached per framework version
(``FrameworkPrior``) and refreshed only by the whole-register recompute: nightly from beat, after a
framework version is published, and whenever a programme is recomputed while its framework has no
prior yet. Between refreshes every recompute reads the same cached value, which is what makes the
two paths agree exactly; a programme's shown score moves with the prior only at the next refresh.

Concurrency: a whole-register recompute takes an exclusive advisory lock; programme recomputes
take it shared plus an exclusive lock per programme and then per provider (always in that order,
each set sorted), so two workers never interleave on one rating and a provider aggregate always
reads its programmes' committed ratings. Unchanged ratings are not rewritten (nor locked): a
recompute compares first and writes only the differences, so running it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from programmes.vocabulary import ElementKey, ProgrammeStatus
from ratings.models import FrameworkPrior, ProgrammeRating
from reviews.models import Criterion, Framework, ReviewState

ELEMENT_KEYS = list(ElementKey.values)
# The statements of a recompute, in order; ``progress`` callbacks receive these names.
RECOMPUTE_STEPS = ["scores", "prior", "bands", "history", "ratings", "withdrawn", "providers"]
Progress = Callable[[str], object]
# Advisory lock keys (two-int form): a namespace for this module, then the object.
LOCK_NAMESPACE_PROGRAMME = 41_001
LOCK_NAMESPACE_PROVIDER = 41_002
LOCK_FULL_RECOMPUTE = 41_000


# Exact arithmetic after the integer sums; stored ratings are double precision.
EXACT = "numeric(40, 20)"
# The packed shortcut is on; tests turn it off to check that both paths give the same bits.
USE_SHORTCUT = True


# --- The statements -----------------------------------------------------------------------------
# Each scope placeholder ({review_scope}, {programme_scope}, …) is empty for the whole register, or
# "AND <column> IN (%(id0)s, …)" for some programmes: the only difference between the two paths.

CRITERIA_CTES = """
live_criterion AS (
    SELECT c.id, c.code, e.key AS element_key, {element_number} AS element_no,
           CAST(c.weight * 100 AS integer) AS weight
    FROM reviews_criterion c JOIN reviews_element e ON e.id = c.element_id
    WHERE e.framework_id = %(framework)s
),
criterion_map AS {materialized}(
    -- Every version's criteria onto the live version's, by element key and code.
    SELECT source.id AS source_id, live.id AS live_id{units}
    FROM reviews_criterion source
    JOIN reviews_element source_element ON source_element.id = source.element_id
    JOIN live_criterion live ON live.code = source.code AND live.element_key = source_element.key
)"""

# The scores of every programme whose published reviews each scored every live criterion exactly
# once (the usual case), in one pass over the criterion scores without a row per criterion. Per
# review, one aggregate packs its scores into integers, a fixed field per live criterion (OR,
# because each field is written once); per programme those are summed, field by field, and the
# fields then give each element's integer sum of weight × score directly. The spread comes from
# each review's scores rewritten as "thermometers" (score s sets the s − 1 lowest bits of its
# field): OR over the reviews keeps the highest score of each criterion, AND the lowest, and the
# bits between them count the levels apart. A review is complete when it has as many mapped scores
# as there are live criteria and every criterion's field is set: then none was scored twice.
# Programmes with a review that is not complete, or so many reviews that a field could overflow,
# are flagged ``per_criterion`` and computed by PER_CRITERION_SQL. The element score is the same
# expression on the same integers as there, so both give the same bits.
RAW_SQL = """
CREATE TEMP TABLE rating_raw AS
WITH {criteria_ctes},{per_review}
per_programme AS (
    -- One row per programme with published reviews: n counts them all, scored or not. (The
    -- programmes that are not published are left out at the end, more cheaply than here.)
    SELECT r.programme_id, COUNT(*) AS n{programme_words}
    FROM reviews_review r{review_join}
    WHERE r.state = %(review_published)s {review_scope}
    GROUP BY r.programme_id
),
{per_element}
SELECT p.id AS programme_id, p.provider_id, COALESCE(pg.n, 0) AS review_count,
       {raw_mean} AS raw, COALESCE(pe.max_spread, 0) AS max_spread, {element_names},
       pg.n IS NOT NULL AND pe.programme_id IS NULL AS per_criterion
FROM programmes_programme p
LEFT JOIN per_programme pg ON pg.programme_id = p.id
LEFT JOIN per_element pe ON pe.programme_id = p.id
WHERE p.status = %(programme_published)s {programme_scope}
"""

PER_REVIEW_CTE = """
per_review AS (
    -- Scores joined to the map before their reviews: grouping by review needs no join per score.
    -- LEFT JOIN so that the planner hashes the map (it cannot estimate its size) rather than
    -- reading the scores once per criterion; unmapped scores count nowhere.
    SELECT cs.review_id, COUNT(m.live_id) AS scored, {review_words}
    FROM (
        SELECT review_id, criterion_id, score FROM reviews_criterionscore
        WHERE score IS NOT NULL {score_scope}
    ) AS cs
    LEFT JOIN criterion_map m ON m.source_id = cs.criterion_id
    GROUP BY cs.review_id
),"""

SHORTCUT_CTES = """
shortcut AS (
    SELECT programme_id, n, {decoded_words}
    FROM per_programme
    WHERE reviews = n AND complete = n AND n * {top_score} < {field_size}
),
per_element AS (
    SELECT programme_id, {max_spread} AS max_spread,
           {element_scores}
    FROM shortcut
)"""

# With the shortcut off every programme with published reviews takes the per-criterion path.
NO_SHORTCUT_CTES = """
per_element AS (
    SELECT programme_id, 0 AS max_spread, {element_nulls}
    FROM per_programme WHERE 1 = 0
)"""

# The method step by step, one row per programme and live criterion, for the programmes the
# shortcut leaves out: the statement that computed every programme before the shortcut.
PER_CRITERION_SQL = """
UPDATE rating_raw
SET raw = f.raw, max_spread = f.max_spread, {assign_elements}
FROM (
    WITH {criteria_ctes},
    published_review AS (
        SELECT r.id, r.programme_id, u.review_count AS n
        FROM rating_raw u JOIN reviews_review r ON r.programme_id = u.programme_id
        WHERE u.per_criterion AND r.state = %(review_published)s
    ),
    per_criterion AS (
        SELECT pr.programme_id, pr.n, m.live_id,
               SUM(cs.score) AS total, COUNT(*) AS scored, MAX(cs.score) - MIN(cs.score) AS gap
        FROM published_review pr
        JOIN reviews_criterionscore cs ON cs.review_id = pr.id
        -- LEFT JOIN, so the map (whose size the planner cannot estimate) is never the outer
        -- side; unmapped scores form groups with no live criterion, which per_element drops.
        LEFT JOIN criterion_map m ON m.source_id = cs.criterion_id
        WHERE cs.score IS NOT NULL
        GROUP BY pr.programme_id, pr.n, m.live_id
    ),
    per_element AS (
        -- Per element: the sum over its criteria of weight × total / scored, split so that the
        -- criteria every published review scored (scored = n) stay in integers and need one
        -- exact division per element rather than one per criterion.
        SELECT pc.programme_id, pc.n, lc.element_no,
               SUM(CAST(lc.weight * pc.total AS integer)) FILTER (WHERE pc.scored = pc.n) AS whole,
               SUM(lc.weight * CAST(pc.total AS numeric(40, 20)) / pc.scored) FILTER (WHERE pc.scored <> pc.n) AS part,
               SUM(lc.weight) AS weight, MAX(pc.gap) AS gap
        FROM per_criterion pc JOIN live_criterion lc ON lc.id = pc.live_id
        GROUP BY pc.programme_id, pc.n, lc.element_no
    ),
    per_programme AS (
        SELECT programme_id, MAX(gap) AS max_spread,
               {element_scores}
        FROM per_element GROUP BY programme_id
    )
    SELECT pe.programme_id, {raw_mean} AS raw, pe.max_spread, {element_names}
    FROM per_programme pe
) AS f
WHERE rating_raw.programme_id = f.programme_id
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

# Shrinkage and bands, then only the ratings that differ from the stored ones: nothing is written
# (and no stored row is even locked) for a rating that has not changed. The same pass finds the
# stored ratings of programmes no longer published (``withdrawn``). ``visible`` marks the
# changes a reader sees, which get a history row: the band, the number of reviews or the shown
# score to the two decimals shown. (The prior moves by tiny amounts at every full recompute; that
# is not a change in a programme's rating.) MATERIALIZED: the band join then compares the shown
# score once computed instead of computing it again for every band.
CHANGES_SQL = (
    """
CREATE TEMP TABLE rating_change AS
WITH setting AS (
    SELECT fp.prior, f.prior_weight AS m, f.min_reviews, f.disagreement_levels, f.not_rated_label
    FROM reviews_framework f LEFT JOIN ratings_frameworkprior fp ON fp.framework_id = f.id
    WHERE f.id = %(framework)s
),
shrunk AS MATERIALIZED (
    SELECT r.*,
           CASE WHEN r.review_count >= s.min_reviews AND r.raw IS NOT NULL
                THEN (r.review_count * r.raw + s.m * s.prior) / (r.review_count + s.m) END AS shown,
           r.max_spread >= s.disagreement_levels AS needs_moderation
    FROM rating_raw r CROSS JOIN setting s
),"""
    + BANDS_CTE
    + """,
final AS (
    SELECT sh.programme_id, sh.review_count, CAST(sh.raw AS double precision) AS raw_mean,
           CAST(sh.shown AS double precision) AS shown_score, COALESCE(b.name, s.not_rated_label) AS band,
           b.rank AS band_rank, {element_values}, sh.max_spread, sh.needs_moderation
    FROM shrunk sh CROSS JOIN setting s"""
    + BAND_JOIN.format(score="sh.shown")
    + """
)
SELECT COALESCE(f.programme_id, old.programme_id) AS programme_id, {final_columns},
       old.programme_id IS NULL AS is_new, f.programme_id IS NULL AS withdrawn,
       old.programme_id IS NULL
       OR (old.band, old.review_count, ROUND(CAST(old.shown_score AS numeric(40, 20)), 2))
          IS DISTINCT FROM (f.band, f.review_count, ROUND(CAST(f.shown_score AS numeric(40, 20)), 2)) AS visible
FROM final f
FULL JOIN (SELECT * FROM ratings_programmerating WHERE 1 = 1 {rating_scope}) AS old
    ON old.programme_id = f.programme_id
WHERE old.programme_id IS NULL OR f.programme_id IS NULL OR ({current}) IS DISTINCT FROM ({computed})
"""
)

HISTORY_SQL = """
INSERT INTO ratings_ratinghistory (programme_id, review_count, shown_score, band, computed_at)
SELECT programme_id, review_count, shown_score, band, %(now)s FROM rating_change WHERE visible AND NOT withdrawn
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
# A plain UPDATE and INSERT rather than INSERT … ON CONFLICT: the advisory locks already keep two
# recomputes off one programme, and ON CONFLICT locks every row it meets, changed or not.
UPDATE_SQL = """
UPDATE ratings_programmerating
SET {assignments}, computed_at = %(now)s
FROM rating_change c
WHERE c.programme_id = ratings_programmerating.programme_id AND NOT c.is_new AND NOT c.withdrawn
"""
INSERT_SQL = """
INSERT INTO ratings_programmerating (programme_id, {columns}, computed_at)
SELECT programme_id, {values}, %(now)s FROM rating_change WHERE is_new
"""

DELETE_SQL = """
DELETE FROM ratings_programmerating
WHERE programme_id IN (SELECT programme_id FROM rating_change WHERE withdrawn)
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
           SUM(pr.review_count * CAST(pr.shown_score AS numeric(40, 20))) / SUM(pr.review_count) AS shown
    FROM {providers} pv
    LEFT JOIN programmes_programme p ON p.provider_id = pv.id
    LEFT JOIN ratings_programmerating pr ON pr.programme_id = p.id AND pr.band_rank IS NOT NULL
    GROUP BY pv.id
),"""
    + BANDS_CTE
    + """
SELECT a.provider_id, a.rated, a.reviews, CAST(a.shown AS double precision), COALESCE(b.name, s.not_rated_label),
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
      IS DISTINCT FROM
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
    scope_sql, params = id_list(programme_ids)
    params.update(
        framework=framework.id,
        min_reviews=framework.min_reviews,
        review_published=ReviewState.PUBLISHED,
        programme_published=ProgrammeStatus.PUBLISHED,
        now=timezone.now(),
    )
    layout = Layout.of(framework)
    statements = {
        "scores": [
            raw_sql(scope_sql, layout, shortcut=USE_SHORTCUT),
            # The planner needs to know how few programmes (usually none) the shortcut left.
            f"ANALYZE rating_raw{' (per_criterion)' if USE_SHORTCUT else ''}",
            per_criterion_sql(layout),
        ],
        "prior": [PRIOR_SQL] if refresh_prior else [],
        "bands": [changes_sql(scope_sql)],
        "history": [HISTORY_SQL],
        "ratings": rating_sql(),
        "withdrawn": [DELETE_SQL],
        "providers": [provider_sql(scope_sql)],
    }
    with connection.cursor() as cursor:
        tune_session(cursor, whole_register=not scope_sql)
        cursor.execute("DROP TABLE IF EXISTS rating_raw")
        cursor.execute("DROP TABLE IF EXISTS rating_change")
        for step in RECOMPUTE_STEPS:
            if step == "providers" and scope_sql:
                lock_providers(cursor, params, scope_sql)
            for statement in statements[step]:
                cursor.execute(statement, params)
            if progress:
                progress(step)
        cursor.execute("SELECT COUNT(*) FROM rating_raw")
        rated = cursor.fetchone()[0]
        cursor.execute("DROP TABLE rating_raw")
        cursor.execute("DROP TABLE rating_change")
    return rated


def provider_sql(scope_sql: str) -> str:
    """Every provider, or (joined in this order) only the providers of the given programmes."""
    providers = (
        f"(SELECT DISTINCT provider_id AS id FROM programmes_programme WHERE id IN ({scope_sql}))"
        if scope_sql
        else "providers_provider"
    )
    return PROVIDER_SQL.format(providers=providers)


def tune_session(cursor, *, whole_register: bool) -> None:
    """Settings for this transaction only. The statements join in the order they
    are written; the whole-register aggregates keep their groups in memory instead of spilling
    to disk; JIT compilation costs more than it saves on these plans."""
    cursor.execute("SET LOCAL join_collapse_limit = 1")
    cursor.execute("SET LOCAL work_mem = '512MB'")
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
    if whole_register:
        # The planner cannot estimate how many groups an aggregate of an aggregate has, guesses
        # a handful, and sorts millions of rows to group them; hashing them is several times
        # cheaper. (For a few programmes sorting is right, and forbidding it picks bad plans.)
        cursor.execute("SET LOCAL enable_sort = off")


def id_list(programme_ids: Sequence[int] | None) -> tuple[str, dict[str, object]]:
    """An SQL list of named parameters."""
    if programme_ids is None:
        return "", {}
    names = {f"id{index}": int(programme_id) for index, programme_id in enumerate(programme_ids)}
    return ", ".join(f"%({name})s" for name in names), names


@dataclass(frozen=True)
class Layout:
    """The live framework as the statements need it: element weights in hundredths (in the order
    of ``ELEMENT_KEYS``), and its criteria in id order, each with its element and weight in
    hundredths. A criterion's place in that order is its field in the shortcut's packed integers."""

    element_weights: dict[str, int]
    criteria: list[tuple[int, str, int]]

    @classmethod
    def of(cls, framework: Framework) -> Layout:
        weights = {key: int(weight * 100) for key, weight in framework.elements.values_list("key", "weight")}
        criteria = Criterion.objects.filter(element__framework=framework).order_by("id")
        return cls(
            element_weights={key: weights[key] for key in ELEMENT_KEYS if key in weights},
            criteria=[
                (id_, key, int(weight * 100))
                for id_, key, weight in criteria.values_list("id", "element__key", "weight")
            ],
        )


# The shortcut's packing. Scores are 1 to 4 (the CriterionScore check constraint). A field holds
# one review's score, then the sum over a programme's reviews: SCORE_BITS bits hold the sum of up
# to 15 reviews (programmes with more take the per-criterion path); or the score's thermometer in
# its lowest LEVEL_BITS bits. Fields never reach a word's sign bit.
TOP_SCORE = 4
SCORE_BITS = 6
LEVEL_BITS = TOP_SCORE - 1
WORD_BITS = 63


def fields(count: int, width: int) -> list[list[int]]:
    """Slot numbers 0…count-1 grouped into 63-bit words of ``width``-bit fields."""
    per_word = WORD_BITS // width
    return [list(range(start, min(count, start + per_word))) for start in range(0, count, per_word)]


def field_mask(slots: list[int], width: int, bits: Iterable[int]) -> int:
    """A word with the given bits set in each field of the given slots."""
    first = slots[0]
    return sum(1 << ((slot - first) * width + bit) for slot in slots for bit in bits)


def thermometer(word: str, slots: list[int]) -> str:
    """The thermometers of a word of scores 1 to 4 (bits b2 b1 b0), all fields at once: score s
    sets its field's s - 1 lowest bits, so b1|b2, b2|(b1&b0) and b2."""
    ones = field_mask(slots, SCORE_BITS, [0])
    b0, b1, b2 = (f"(({word} >> {bit}) & {ones})" for bit in range(3))
    return f"({b1} | {b2} | (({b2} | ({b1} & {b0})) << 1) | ({b2} << 2))"


def element_score(whole: str, part: str, n: str, weight: str) -> str:
    """An element's score from the integer sum of weight × score over the criteria every review
    scored (``whole``), the exact sum of weight × mean over the others (``part``) and the weight
    of the scored criteria: one expression for both paths, so they give the same bits. Either sum
    may be missing (an element whose every criterion some review left unscored has no ``whole``)."""
    return f"(COALESCE(CAST({whole} AS {EXACT}) / {n}, 0) + COALESCE({part}, 0)) / {weight}"


def raw_mean_sql(layout: Layout) -> str:
    weights = layout.element_weights
    weighted = [f"COALESCE({weight} * pe.score_{key}, 0)" for key, weight in weights.items()]
    present = [f"CASE WHEN pe.score_{key} IS NULL THEN 0 ELSE {weight} END" for key, weight in weights.items()]
    return f"({' + '.join(weighted)}) / NULLIF({' + '.join(present)}, 0)" if weights else "CAST(NULL AS REAL)"


def criteria_ctes(layout: Layout, *, shortcut: bool) -> str:
    """The live criteria and the map onto them; for the shortcut, the map also carries each
    criterion's unit in its word (zero in the other words)."""
    element_number = " ".join(f"WHEN '{key}' THEN {number}" for number, key in enumerate(ELEMENT_KEYS))
    units = ""
    if shortcut:
        slot_of = {criterion_id: slot for slot, (criterion_id, _, _) in enumerate(layout.criteria)}
        for word, slots in enumerate(fields(len(layout.criteria), SCORE_BITS)):
            cases = " ".join(
                f"WHEN {criterion_id} THEN {1 << ((slot_of[criterion_id] - slots[0]) * SCORE_BITS)}"
                for criterion_id, _, _ in layout.criteria
                if slot_of[criterion_id] in slots
            )
            units += f",\n           CAST(CASE live.id {cases} ELSE 0 END AS bigint) AS score_unit_{word}"
    return CRITERIA_CTES.format(
        element_number=f"CASE e.key {element_number} END",
        # Computed once: inlined, the units would be computed again for every score.
        materialized="MATERIALIZED " if shortcut else "",
        units=units,
    )


def raw_sql(scope_sql: str, layout: Layout, *, shortcut: bool = True) -> str:
    """The staging statement: every published programme in scope, with one column per element of
    the live framework (elements the framework lacks stay null), computed by the shortcut where
    it applies."""
    shortcut = shortcut and bool(layout.criteria)
    parts = {"per_review": "", "programme_words": "", "review_join": ""}
    if shortcut:
        parts = shortcut_parts(layout)
        score_scope = (
            f"AND review_id IN (SELECT r.id FROM reviews_review r WHERE r.programme_id IN ({scope_sql}))"
            if scope_sql
            else ""
        )
        parts["per_review"] = PER_REVIEW_CTE.format(review_words=parts["review_words"], score_scope=score_scope)
        parts["review_join"] = "\n    LEFT JOIN per_review v ON v.review_id = r.id"
        per_element = SHORTCUT_CTES.format(**parts)
    else:
        nulls = ", ".join(f"CAST(NULL AS {EXACT}) AS score_{key}" for key in ELEMENT_KEYS)
        per_element = NO_SHORTCUT_CTES.format(element_nulls=nulls)
    return RAW_SQL.format(
        criteria_ctes=criteria_ctes(layout, shortcut=shortcut),
        per_review=parts["per_review"],
        programme_words=parts["programme_words"],
        review_join=parts["review_join"],
        per_element=per_element,
        raw_mean=raw_mean_sql(layout),
        element_names=", ".join(f"pe.score_{key}" for key in ELEMENT_KEYS),
        review_scope=f"AND r.programme_id IN ({scope_sql})" if scope_sql else "",
        programme_scope=f"AND p.id IN ({scope_sql})" if scope_sql else "",
    )


def shortcut_parts(layout: Layout) -> dict[str, object]:
    """The packing and unpacking expressions for the live framework's criteria."""
    count = len(layout.criteria)
    score_words = fields(count, SCORE_BITS)
    review_words = [f"BIT_OR(cs.score * m.score_unit_{word}) AS scores_{word}" for word in range(len(score_words))]
    # Per review, not per score: one more aggregate over every score costs more than this.
    review_words += [
        f"{thermometer(f'BIT_OR(cs.score * m.score_unit_{word})', slots)} AS levels_{word}"
        for word, slots in enumerate(score_words)
    ]
    # Every field of a complete review is set: with as many scores as criteria, none was scored twice.
    set_checks = []
    for word, slots in enumerate(score_words):
        ones = field_mask(slots, SCORE_BITS, [0])
        spread = " | ".join(f"(v.scores_{word} >> {bit})" for bit in range(TOP_SCORE.bit_length()))
        set_checks.append(f"(({spread}) & {ones}) = {ones}")
    programme_words = ["COUNT(v.review_id) AS reviews"]
    programme_words += [f"COUNT(*) FILTER (WHERE v.scored = {count} AND {' AND '.join(set_checks)}) AS complete"]
    programme_words += [f"SUM(v.scores_{word}) AS totals_{word}" for word in range(len(score_words))]
    for word in range(len(score_words)):
        programme_words += [f"BIT_OR(v.levels_{word}) AS highest_{word}", f"BIT_AND(v.levels_{word}) AS lowest_{word}"]
    decoded_words = [f"CAST(totals_{word} AS bigint) AS totals_{word}" for word in range(len(score_words))]
    # The lowest thermometer's bits are a subset of the highest's: the difference is the bits between.
    decoded_words += [f"highest_{word} - lowest_{word} AS apart_{word}" for word in range(len(score_words))]
    # The largest gap: the longest run of set bits in any level field.
    gaps = []
    for gap in range(LEVEL_BITS, 0, -1):
        runs = [
            f"(({' & '.join(f'(apart_{word} >> {bit})' for bit in range(gap))}) & "
            f"{field_mask(slots, SCORE_BITS, range(LEVEL_BITS - gap + 1))}) <> 0"
            for word, slots in enumerate(score_words)
        ]
        gaps.append(f"WHEN {' OR '.join(runs)} THEN {gap}")
    slot_word = {slot: (word, slot - slots[0]) for word, slots in enumerate(score_words) for slot in slots}
    element_scores = []
    for key in ELEMENT_KEYS:
        terms = [
            f"{weight} * ((totals_{slot_word[slot][0]} >> {slot_word[slot][1] * SCORE_BITS}) & {(1 << SCORE_BITS) - 1})"
            for slot, (_, element, weight) in enumerate(layout.criteria)
            if element == key
        ]
        total_weight = sum(weight for _, element, weight in layout.criteria if element == key)
        if terms and key in layout.element_weights:
            score = element_score(" + ".join(terms), f"CAST(NULL AS {EXACT})", "n", str(total_weight))
        else:
            score = f"CAST(NULL AS {EXACT})"
        element_scores.append(f"{score} AS score_{key}")
    return {
        "review_words": ", ".join(review_words),
        "programme_words": "".join(f",\n           {word}" for word in programme_words),
        "decoded_words": ", ".join(decoded_words),
        "max_spread": f"CASE {' '.join(gaps)} ELSE 0 END",
        "element_scores": ",\n           ".join(element_scores),
        "top_score": TOP_SCORE,
        "field_size": 1 << SCORE_BITS,
    }


def per_criterion_sql(layout: Layout) -> str:
    scores = [
        f"MAX(CASE WHEN element_no = {number} THEN {element_score('whole', 'part', 'n', 'weight')} END) AS score_{key}"
        if key in layout.element_weights
        else f"CAST(NULL AS {EXACT}) AS score_{key}"
        for number, key in enumerate(ELEMENT_KEYS)
    ]
    return PER_CRITERION_SQL.format(
        criteria_ctes=criteria_ctes(layout, shortcut=False),
        element_scores=",\n               ".join(scores),
        raw_mean=raw_mean_sql(layout),
        element_names=", ".join(f"pe.score_{key}" for key in ELEMENT_KEYS),
        assign_elements=", ".join(f"score_{key} = f.score_{key}" for key in ELEMENT_KEYS),
    )


def changes_sql(scope_sql: str) -> str:
    computed = [f"f.{column}" if column != "framework_id" else "%(framework)s" for column in RATING_COLUMNS]
    return CHANGES_SQL.format(
        final_columns=", ".join(f"f.{column}" for column in RATING_COLUMNS if column != "framework_id"),
        rating_scope=f"AND programme_id IN ({scope_sql})" if scope_sql else "",
        element_values=", ".join(f"CAST(sh.score_{key} AS double precision) AS score_{key}" for key in ELEMENT_KEYS),
        current=", ".join(f"old.{column}" for column in RATING_COLUMNS),
        computed=", ".join(computed),
    )


def rating_sql() -> list[str]:
    values = {column: "%(framework)s" if column == "framework_id" else column for column in RATING_COLUMNS}
    return [
        UPDATE_SQL.format(
            assignments=", ".join(
                f"{column} = {'%(framework)s' if column == 'framework_id' else 'c.' + column}"
                for column in RATING_COLUMNS
            )
        ),
        INSERT_SQL.format(columns=", ".join(RATING_COLUMNS), values=", ".join(values.values())),
    ]


# --- Locks ------------------------------------------------------------------------------------


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


def lock_providers(cursor, params: dict, scope_sql: str) -> None:
    """Providers are locked after their programmes, so a provider's aggregate always reads the
    committed ratings of a concurrent recompute of another of its programmes."""
    cursor.execute(
        "SELECT pg_advisory_xact_lock(%(namespace)s, CAST(provider_id %% 2147483647 AS integer)) "
        f"FROM (SELECT DISTINCT provider_id FROM programmes_programme WHERE id IN ({scope_sql})) AS provider "
        "ORDER BY provider_id",
        {**params, "namespace": LOCK_NAMESPACE_PROVIDER},
    )
