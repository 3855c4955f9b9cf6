from fractions import Fraction

import pytest

from ratings.engine import recompute_all, recompute_programme
from ratings.models import CriterionRating, ElementRating, FrameworkPrior, ProgrammeRating, ProviderRating
from tests.factories import make_programme, make_provider, make_review, make_user
from tests.ratings.helpers import programme_ratings, publish_framework_version

pytestmark = pytest.mark.django_db


def uniform(scores_by_element: dict[str, int], **criteria: int) -> dict[str, int]:
    """Every criterion of each element letter at one score, with some criteria overridden."""
    scores = {f"{letter}{number}": score for letter, score in scores_by_element.items() for number in range(1, 5)}
    scores.update(criteria)
    return scores


def test_a_hand_worked_example_with_two_and_three_reviewers_gives_the_exact_rating():
    """Method version 1 (bands on the shown score, no element floors), framework version 2: P1
    weighs 3 (other criteria 1); Purpose weighs 2 (other elements 1); m = 2, at least 2 reviews;
    bands Exemplary ≥ 3.5, Secure ≥ 2.75, Developing ≥ 2, else Limited.

    Programme A, two reviewers:
        reviewer 1: P1 4, P2–P4 3, G 3, R 3, D 3, V 2
        reviewer 2: P1 2, P2–P4 3, G 4, R 3, D 3, V 2
        criterion means: P1 (4+2)/2 = 3, P2–P4 3, G1–G4 3.5, R 3, D 3, V 2
        Purpose = (3·3 + 3 + 3 + 3)/(3+1+1+1) = 18/6 = 3; Governance 3.5; Process 3; Definitions 3; Value 2
        raw = (2·3 + 3.5 + 3 + 3 + 2)/(2+1+1+1+1) = 17.5/6 = 35/12 ≈ 2.9167
        spread: P1 is 4 vs 2, two levels apart.
    Programme B, three reviewers: all 4 except reviewer 3's V1 = 3.
        V1 = 11/3; Value = (11/3 + 4 + 4 + 4)/4 = 47/12; every other element 4
        raw = (2·4 + 4 + 4 + 4 + 47/12)/6 = (287/12)/6 = 287/72 ≈ 3.9861
    Programme C, one reviewer (all 3): raw 3, but fewer than 2 reviews: "Not yet rated".
    prior = mean raw of the rated programmes A and B = (35/12 + 287/72)/2 = 497/144 ≈ 3.4514
    shown A = (2·35/12 + 2·497/144)/(2+2) = 1834/576 ≈ 3.1840 → Secure
    shown B = (3·287/72 + 2·497/144)/(3+2) = 2716/720 ≈ 3.7722 → Exemplary
    provider (A, B and C) = reviews-weighted mean of its rated programmes:
        (2·1834/576 + 3·2716/720)/5 ≈ 3.5361 → Exemplary, from 2 rated programmes and 5 reviews
    """
    publish_framework_version(
        criterion_weights={"P1": "3"},
        element_weights={"purpose": "2"},
        band_score="shown",
        band_floors={"Exemplary": None, "Secure": None},
    )
    provider = make_provider()
    a, b, c = (make_programme(provider) for _ in range(3))
    reviewers = [make_user() for _ in range(3)]
    make_review(a, reviewers[0], scores=uniform({"P": 3, "G": 3, "R": 3, "D": 3, "V": 2}, P1=4))
    make_review(a, reviewers[1], scores=uniform({"P": 3, "G": 4, "R": 3, "D": 3, "V": 2}, P1=2))
    for reviewer in reviewers[:2]:
        make_review(b, reviewer, scores=4)
    make_review(b, reviewers[2], scores=uniform({"P": 4, "G": 4, "R": 4, "D": 4, "V": 4}, V1=3))
    make_review(c, reviewers[0], scores=3)

    assert recompute_all() == 3

    prior = Fraction(497, 144)
    stored_prior = FrameworkPrior.objects.get(framework__is_live=True)
    assert abs(Fraction(stored_prior.prior) - prior) < Fraction(1, 10**19)  # exact to 20 decimal places
    assert stored_prior.rated_programmes == 2
    rating_a, rating_b, rating_c = (ProgrammeRating.objects.get(programme=p) for p in (a, b, c))
    assert (rating_a.score_purpose, rating_a.score_governance, rating_a.score_value) == (3.0, 3.5, 2.0)
    assert rating_a.raw_mean == float(Fraction(35, 12))
    assert rating_a.shown_score == float((2 * Fraction(35, 12) + 2 * prior) / 4) == float(Fraction(1834, 576))
    assert (rating_a.band, rating_a.band_rank, rating_a.review_count) == ("Secure", 2, 2)
    assert rating_a.max_spread == 2

    assert rating_b.score_value == float(Fraction(47, 12))
    assert rating_b.raw_mean == float(Fraction(287, 72))
    assert rating_b.shown_score == float(Fraction(2716, 720))
    assert (rating_b.band, rating_b.band_rank, rating_b.review_count) == ("Exemplary", 1, 3)
    assert rating_b.max_spread == 1

    assert (rating_c.band, rating_c.band_rank, rating_c.shown_score, rating_c.raw_mean) == (
        "Not yet rated",
        None,
        None,
        3.0,
    )

    provider_rating = ProviderRating.objects.get(provider=provider)
    expected_provider = (2 * Fraction(1834, 576) + 3 * Fraction(2716, 720)) / 5
    assert provider_rating.shown_score == pytest.approx(float(expected_provider), abs=1e-14)
    assert (provider_rating.band, provider_rating.rated_programmes, provider_rating.review_count) == ("Exemplary", 2, 5)

    before = programme_ratings()
    for programme in (a, b, c):
        recompute_programme(programme_id=programme.id)
    assert programme_ratings() == before


def test_an_element_scored_by_only_some_reviewers_still_has_a_score():
    """Two reviewers; the first left every Governance criterion unscored, the second gave each 2.
    Each Governance criterion's mean is then 2 (from the one score it has), so Governance is 2
    whatever the weights, and it counts in the raw mean like any other element."""
    programme = make_programme()
    first, second = make_user(), make_user()
    make_review(programme, first, scores=uniform({"P": 3, "G": None, "R": 3, "D": 3, "V": 3}))
    make_review(programme, second, scores=uniform({"P": 3, "G": 2, "R": 3, "D": 3, "V": 3}))

    recompute_all()

    rating = ProgrammeRating.objects.get(programme=programme)
    assert rating.score_governance == 2.0
    assert (rating.score_purpose, rating.score_process, rating.review_count) == (3.0, 3.0, 2)
    assert 2.0 < rating.raw_mean < 3.0


def test_method_version_2_bands_the_raw_overall_with_element_floors():
    """The starting framework (method version 2): every weight 1, m = 2, at least 2 reviews;
    Exemplary: overall ≥ 3.5 and no element below 3.0; Secure: ≥ 2.75 and no element below 2.0;
    Developing ≥ 2.0; Limited below. Two reviewers each (all scores 4 unless said):

    A: reviewer 2 gives Value 3 throughout. Value = 3.5, overall = (4·4 + 3.5)/5 = 3.9 → Exemplary.
    B: both give Value 2. Value = 2.0, overall = 18/5 = 3.6 ≥ 3.5, but Value < 3.0, and Value is not
       below Secure's floor of 2.0 → Secure.
    C: both give Value 1. Value = 1.0, overall = 17/5 = 3.4; below Secure's floor → Developing.
    D: reviewer 1 gives 3 throughout; reviewer 2 gives 3, with R1–R4, D1–D4, V1, V2 at 2.
       P 3, G 3, R 2.5, D 2.5, V 22/8 = 2.75; overall = 13.75/5 = 2.75 exactly → Secure.
    E: as D, and reviewer 2 gives V3 2 too: V 21/8 = 2.625; overall 13.625/5 = 2.725 → Developing.
    F: reviewer 1 gives 1 throughout, reviewer 2 gives 2: overall 1.5 → Limited.
    G: one review only → Not yet rated.
    prior = (3.9 + 3.6 + 3.4 + 2.75 + 2.725 + 1.5)/6 = 17.875/6; A's shrunk score
    (2·3.9 + 2·prior)/4 ≈ 3.44 is below 3.5: under method version 1 A could not be Exemplary.
    """
    provider = make_provider()
    a, b, c, d, e, f, g = (make_programme(provider) for _ in range(7))
    first, second = make_user(), make_user()
    mixed = dict.fromkeys(("R1", "R2", "R3", "R4", "D1", "D2", "D3", "D4", "V1", "V2"), 2)
    make_review(a, first, scores=4)
    make_review(a, second, scores=uniform({"P": 4, "G": 4, "R": 4, "D": 4, "V": 3}))
    for programme, value in ((b, 2), (c, 1)):
        for reviewer in (first, second):
            make_review(programme, reviewer, scores=uniform({"P": 4, "G": 4, "R": 4, "D": 4, "V": value}))
    make_review(d, first, scores=3)
    make_review(d, second, scores=mixed)
    make_review(e, first, scores=3)
    make_review(e, second, scores={**mixed, "V3": 2})
    make_review(f, first, scores=1)
    make_review(f, second, scores=2)
    make_review(g, first, scores=4)

    recompute_all()

    ratings = {rating.programme_id: rating for rating in ProgrammeRating.objects.all()}
    assert [(ratings[p.id].band, ratings[p.id].raw_mean) for p in (a, b, c, d, e, f)] == [
        ("Exemplary", 3.9),
        ("Secure", 3.6),
        ("Developing", 3.4),
        ("Secure", 2.75),
        ("Developing", 2.725),
        ("Limited", 1.5),
    ]
    assert [ratings[p.id].band_rank for p in (a, b, c, d, e, f)] == [1, 2, 3, 2, 3, 4]
    assert (ratings[g.id].band, ratings[g.id].band_rank, ratings[g.id].shown_score) == ("Not yet rated", None, None)
    prior = Fraction(17875, 6000)
    assert ratings[a.id].shown_score == float((2 * Fraction(39, 10) + 2 * prior) / 4) < 3.5


def test_a_five_level_rubric_gives_spreads_in_its_own_levels():
    """A test framework with five levels: reviewers 1 and 5 on P1 are four levels apart."""
    framework = publish_framework_version(levels={5: "Outstanding"}, band_thresholds={"Exemplary": "4.25"})
    programme = make_programme()
    make_review(programme, make_user(), scores={"P1": 1, "G1": 5}, framework=framework)
    make_review(programme, make_user(), scores={"P1": 5, "G1": 5}, framework=framework)

    recompute_all()

    rating = ProgrammeRating.objects.get(programme=programme)
    elements = {row.element_key: row for row in ElementRating.objects.filter(programme=programme)}
    p1 = CriterionRating.objects.get(programme=programme, criterion_code="P1")
    assert (p1.mean, p1.lowest, p1.highest, p1.spread) == (3.0, 1, 5, 4)
    assert (elements["purpose"].spread, elements["governance"].spread, rating.max_spread) == (4, 0, 4)
    assert elements["governance"].score == (5 + 3 + 3 + 3) / 4
