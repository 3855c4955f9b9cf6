"""The engine's ratings equal, to the last bit, ratings computed independently in plain Python from
the rows: the published scores, the framework's weights, thresholds and floors; with the range of
the reviewers' own overalls.

The registers mix what makes the method delicate: criteria left unscored or with no score row,
reviews recorded against an older framework version whose criteria the live version reweighted,
dropped or recoded, and rubrics of four or five levels.

How PostgreSQL's exact arithmetic rounds, which the Python side follows: every division of
``numeric`` values is rounded half away from zero to the larger of its operands' scales (and at
least 16 significant digits; for these magnitudes the operands' scale always wins): 20 decimal
places for criterion, element and overall scores (their inputs are cast to numeric(40, 20)), 32
for the shrunk score (the prior is stored with 30 and m has 2). A double cast to numeric keeps 15
significant digits. A numeric or a quotient of integers becomes the nearest double.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from django.contrib.auth.models import User
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from programmes.models import Programme
from ratings.engine import ELEMENT_KEYS, recompute_all
from ratings.models import CriterionRating, ElementRating, FrameworkPrior, ProgrammeRating, ProviderRating
from reviews.frameworks import framework_new_draft, framework_publish
from reviews.models import Band, Criterion, CriterionScore, Framework, LevelDescriptor, Review, ReviewState, ScoreLevel
from tests.factories import make_programme, make_provider, make_user
from tests.ratings.helpers import RATING_FIELDS, in_rollback

pytestmark = pytest.mark.django_db

CRITERIA = 20
MISSING = -1  # no score row at all (a None is a row with a null score)
# No shrinking: each example builds a register in the database, and the failing one is printed.
EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
changes = st.sampled_from(["weights", "drop", "recode"])


def reviews_of(levels: int):
    score = st.integers(1, levels)
    partial = st.one_of(score, score, score, st.none(), st.just(MISSING))
    return st.tuples(
        st.booleans(),  # on the older version
        st.one_of(
            *[st.lists(score, min_size=CRITERIA, max_size=CRITERIA)] * 2,
            st.lists(partial, min_size=CRITERIA, max_size=CRITERIA),
        ),
    )


registers = st.integers(4, 5).flatmap(
    lambda levels: st.tuples(
        st.just(levels), st.lists(st.lists(reviews_of(levels), max_size=4), min_size=1, max_size=5)
    )
)


def ordered_criteria(framework: Framework) -> list[Criterion]:
    return list(Criterion.objects.filter(element__framework=framework).order_by("element__position", "position"))


def newer_version(change: str, levels: int) -> tuple[Framework, Framework]:
    """The live version and a newer one made live, changed as ``change`` says, with ``levels``
    rubric levels, some reweighting, an element weight and its own band thresholds."""
    older = Framework.objects.get(is_live=True)
    convenor = make_user(role="convenor")
    draft = framework_new_draft(source=older, by=convenor)
    Criterion.objects.filter(element__framework=draft, code="P1").update(weight=Decimal("2.5"))
    Criterion.objects.filter(element__framework=draft, code="V2").update(weight=Decimal("0.5"))
    draft.elements.filter(key="process").update(weight=Decimal("1.5"))
    if change == "drop":
        Criterion.objects.filter(element__framework=draft, code="G4").delete()
    elif change == "recode":
        Criterion.objects.filter(element__framework=draft, code="R2").update(code="R9")
    if levels == 5:
        ScoreLevel.objects.create(framework=draft, level=5, name="Outstanding", meaning="Beyond exemplary.")
        LevelDescriptor.objects.bulk_create(
            LevelDescriptor(criterion=criterion, level=5, descriptor="Beyond exemplary.")
            for criterion in ordered_criteria(draft)
        )
        Band.objects.filter(framework=draft, name="Exemplary").update(
            min_score=Decimal("4.25"), element_floor=Decimal("3.75")
        )
        Band.objects.filter(framework=draft, name="Secure").update(min_score=Decimal("3.25"))
    return older, framework_publish(framework=draft, by=convenor)


def build(register, older: Framework, newer: Framework) -> None:
    criteria = {older.id: ordered_criteria(older), newer.id: ordered_criteria(newer)}
    reviewers = [User.objects.create(username=f"independent-reviewer-{n}") for n in range(4)]
    providers = [make_provider() for _ in range(min(2, len(register)))]
    for index, reviews in enumerate(register):
        programme = make_programme(providers[index % 2])
        for reviewer, (on_older, scores) in zip(reviewers, reviews, strict=False):
            framework = older if on_older else newer
            review = Review.objects.create(
                programme=programme, reviewer=reviewer, framework=framework, state=ReviewState.PUBLISHED
            )
            CriterionScore.objects.bulk_create(
                CriterionScore(review=review, criterion=criterion, score=min(value, 4) if on_older and value else value)
                for criterion, value in zip(criteria[framework.id], scores, strict=False)
                if value != MISSING
            )


# --- The method in plain Python --------------------------------------------------------------------


def rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def divide(numerator, denominator, places: int = 20) -> Decimal:
    with localcontext() as context:
        context.prec = 120
        return rounded(Decimal(numerator) / Decimal(denominator), places)


def as_double(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def from_double(value: float) -> Decimal:
    return Decimal(format(value, ".15g"))


def published_scores(framework: Framework) -> tuple[dict, dict, dict]:
    """{programme: {live criterion: [scores]}}, {programme: number of published reviews} and
    {programme: {review: {live criterion: score}}}."""
    live = {
        (c.element.key, c.code): c.id
        for c in Criterion.objects.filter(element__framework=framework).select_related("element")
    }
    reviews = dict.fromkeys(Programme.objects.filter(status="published").values_list("id", flat=True), 0)
    for review in Review.objects.filter(state=ReviewState.PUBLISHED, programme__status="published"):
        reviews[review.programme_id] += 1
    scores: dict = defaultdict(lambda: defaultdict(list))
    by_review: dict = defaultdict(lambda: defaultdict(dict))
    rows = CriterionScore.objects.filter(review__state=ReviewState.PUBLISHED, score__isnull=False)
    for programme_id, review_id, key, code, score in rows.values_list(
        "review__programme_id", "review_id", "criterion__element__key", "criterion__code", "score"
    ):
        if (key, code) in live:
            scores[programme_id][live[(key, code)]].append(score)
            by_review[programme_id][review_id][live[(key, code)]] = score
    return scores, reviews, by_review


def weighted_mean(pairs: list[tuple[int, Decimal | int]]) -> Decimal:
    """sum(weight × value) / sum(weight), the division rounded as PostgreSQL rounds it."""
    return divide(sum(weight * value for weight, value in pairs), sum(weight for weight, _ in pairs))


def review_range(framework: Framework, reviews: dict, criteria: dict) -> tuple[float | None, float | None]:
    """The lowest and highest of the reviews' own overalls: each review's element means (its one
    score per criterion), then their weighted mean; reviews with no score left out."""
    element_weights = {e.key: int(e.weight * 100) for e in framework.elements.all()}
    overalls = []
    for scored in reviews.values():
        by_element = defaultdict(list)
        for criterion_id, score in scored.items():
            criterion = criteria[criterion_id]
            by_element[criterion.element.key].append((int(criterion.weight * 100), score))
        elements = [(element_weights[key], weighted_mean(pairs)) for key, pairs in by_element.items()]
        overalls.append(weighted_mean(elements))
    return (as_double(min(overalls)), as_double(max(overalls))) if overalls else (None, None)


def expected_ratings(framework: Framework) -> dict:
    criteria = {c.id: c for c in Criterion.objects.filter(element__framework=framework).select_related("element")}
    element_weights = {e.key: int(e.weight * 100) for e in framework.elements.all()}
    scores, review_counts, by_review = published_scores(framework)
    bands = list(Band.objects.filter(framework=framework).order_by("-min_score"))
    raws, elements_of, criteria_rows, element_rows = {}, {}, {}, {}
    for programme_id, n in review_counts.items():
        by_element = defaultdict(list)
        for criterion_id, marks in scores[programme_id].items():
            criterion = criteria[criterion_id]
            by_element[criterion.element.key].append((int(criterion.weight * 100), sum(marks), len(marks), marks))
            criteria_rows[(programme_id, criterion.element.key, criterion.code)] = (
                len(marks),
                sum(marks) / len(marks),
                min(marks),
                max(marks),
            )
        elements = {}
        for key, rows in by_element.items():
            whole = sum(weight * total for weight, total, count, _ in rows if count == n)
            part = sum(divide(weight * total, count) for weight, total, count, _ in rows if count != n)
            elements[key] = divide(divide(whole, n) + part, sum(weight for weight, *_ in rows))
            element_rows[(programme_id, key)] = (float(elements[key]), max(max(g) - min(g) for *_, g in rows))
        elements_of[programme_id] = elements
        if elements:
            raws[programme_id] = divide(
                sum(element_weights[k] * s for k, s in elements.items()), sum(element_weights[k] for k in elements)
            )
    rated = [raws[p] for p, n in review_counts.items() if n >= framework.min_reviews and p in raws]
    prior = divide(sum(rated), len(rated)) if rated else None
    programme_rows = {}
    for programme_id, n in review_counts.items():
        raw, elements = raws.get(programme_id), elements_of[programme_id]
        shown = None
        if n >= framework.min_reviews and raw is not None:
            shown = divide(n * raw + framework.prior_weight * prior, n + framework.prior_weight, 32)
        basis = (raw if n >= framework.min_reviews else None) if framework.band_score == "raw" else shown
        band = band_of(bands, basis, min(elements.values(), default=None))
        programme_rows[programme_id] = (
            framework.id, n, as_double(raw), as_double(shown),
            band.name if band else framework.not_rated_label, band.rank if band else None,
            *[as_double(elements.get(key)) for key in ELEMENT_KEYS],
            max((row[1] for key, row in element_rows.items() if key[0] == programme_id), default=0),
            *review_range(framework, by_review[programme_id], criteria),
        )  # fmt: skip
    return {"programmes": programme_rows, "criteria": criteria_rows, "elements": element_rows, "prior": prior}


def band_of(bands: list[Band], score: Decimal | None, lowest_element: Decimal | None) -> Band | None:
    """The band of ``score``; floors apply to a programme's lowest element (a provider has none)."""
    if score is None:
        return None
    for band in bands:
        if score >= band.min_score and (
            band.element_floor is None or lowest_element is None or lowest_element >= band.element_floor
        ):
            return band
    return bands[-1]


def expected_providers(framework: Framework, programmes: dict) -> dict:
    rated = defaultdict(list)
    for rating in ProgrammeRating.objects.select_related("programme"):
        rated[rating.programme.provider_id]  # every provider with a published programme has a row
        if rating.band_rank is not None:
            rated[rating.programme.provider_id].append(rating)
    bands = list(Band.objects.filter(framework=framework).order_by("-min_score"))
    providers = {}
    for provider_id, ratings in rated.items():
        reviews = sum(r.review_count for r in ratings)
        raw = divide(sum(r.review_count * from_double(r.raw_mean) for r in ratings), reviews) if ratings else None
        shown = divide(sum(r.review_count * from_double(r.shown_score) for r in ratings), reviews) if ratings else None
        band = band_of(bands, raw if framework.band_score == "raw" else shown, None)
        providers[provider_id] = (
            len(ratings), reviews, as_double(raw), as_double(shown),
            band.name if band else framework.not_rated_label, band.rank if band else None,
        )  # fmt: skip
    return providers


# --- The test ----------------------------------------------------------------------------------------


@EXAMPLES
@given(register=registers, change=changes)
def test_the_engine_agrees_exactly_with_an_independent_recomputation(register, change):
    levels, programmes = register

    def check():
        older, newer = newer_version(change, levels)
        build(programmes, older, newer)
        recompute_all()
        with localcontext() as context:
            context.prec = 120  # exact: every sum and product here has far fewer digits
            expected = expected_ratings(newer)
            expected_provider_rows = expected_providers(newer, expected["programmes"])

        stored = {row[0]: row[1:] for row in ProgrammeRating.objects.values_list("programme_id", *RATING_FIELDS)}
        assert stored == expected["programmes"]
        criterion_fields = ("programme_id", "element_key", "criterion_code", "scores", "mean", "lowest", "highest")
        assert {row[:3]: row[3:] for row in CriterionRating.objects.values_list(*criterion_fields)} == expected[
            "criteria"
        ]
        element_fields = ("programme_id", "element_key", "score", "spread")
        assert {row[:2]: row[2:] for row in ElementRating.objects.values_list(*element_fields)} == expected["elements"]
        assert FrameworkPrior.objects.get(framework=newer).prior == expected["prior"]
        provider_fields = (
            "provider_id",
            "rated_programmes",
            "review_count",
            "raw_mean",
            "shown_score",
            "band",
            "band_rank",
        )
        providers = {row[0]: row[1:] for row in ProviderRating.objects.values_list(*provider_fields)}
        assert providers == expected_provider_rows

    in_rollback(check)
