from contextlib import nullcontext
from fractions import Fraction

import pytest

from ratings.engine import recompute_all, recompute_programme
from ratings.models import FrameworkPrior, ProgrammeRating, ProviderRating
from tests.factories import make_programme, make_provider, make_review, make_user
from tests.ratings.helpers import per_criterion_only, programme_ratings, publish_framework_version

pytestmark = pytest.mark.django_db


def uniform(scores_by_element: dict[str, int], **criteria: int) -> dict[str, int]:
    """Every criterion of each element letter at one score, with some criteria overridden."""
    scores = {f"{letter}{number}": score for letter, score in scores_by_element.items() for number in range(1, 5)}
    scores.update(criteria)
    return scores


@pytest.mark.parametrize("path", ["packed shortcut", "per criterion"])
def test_a_hand_worked_example_with_two_and_three_reviewers_gives_the_exact_rating(path):
    """Framework version 2: P1 weighs 3 (other criteria 1); Purpose weighs 2 (other elements 1);
    m = 2, at least 2 reviews; bands Exemplary ≥ 3.5, Secure ≥ 2.75, Developing ≥ 2, else Limited.

    Programme A, two reviewers:
        reviewer 1: P1 4, P2–P4 3, G 3, R 3, D 3, V 2
        reviewer 2: P1 2, P2–P4 3, G 4, R 3, D 3, V 2
        criterion means: P1 (4+2)/2 = 3, P2–P4 3, G1–G4 3.5, R 3, D 3, V 2
        Purpose = (3·3 + 3 + 3 + 3)/(3+1+1+1) = 18/6 = 3; Governance 3.5; Process 3; Definitions 3; Value 2
        raw = (2·3 + 3.5 + 3 + 3 + 2)/(2+1+1+1+1) = 17.5/6 = 35/12 ≈ 2.9167
        spread: P1 is 4 vs 2, two levels apart, so A is flagged for moderation.
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
    publish_framework_version(criterion_weights={"P1": "3"}, element_weights={"purpose": "2"})
    provider = make_provider()
    a, b, c = (make_programme(provider) for _ in range(3))
    reviewers = [make_user() for _ in range(3)]
    make_review(a, reviewers[0], scores=uniform({"P": 3, "G": 3, "R": 3, "D": 3, "V": 2}, P1=4))
    make_review(a, reviewers[1], scores=uniform({"P": 3, "G": 4, "R": 3, "D": 3, "V": 2}, P1=2))
    for reviewer in reviewers[:2]:
        make_review(b, reviewer, scores=4)
    make_review(b, reviewers[2], scores=uniform({"P": 4, "G": 4, "R": 4, "D": 4, "V": 4}, V1=3))
    make_review(c, reviewers[0], scores=3)

    with per_criterion_only() if path == "per criterion" else nullcontext():
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
    assert (rating_a.max_spread, rating_a.needs_moderation) == (2, True)

    assert rating_b.score_value == float(Fraction(47, 12))
    assert rating_b.raw_mean == float(Fraction(287, 72))
    assert rating_b.shown_score == float(Fraction(2716, 720))
    assert (rating_b.band, rating_b.band_rank, rating_b.review_count) == ("Exemplary", 1, 3)
    assert (rating_b.max_spread, rating_b.needs_moderation) == (1, False)

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


@pytest.mark.parametrize("path", ["packed shortcut", "per criterion"])
def test_an_element_scored_by_only_some_reviewers_still_has_a_score(path):
    """Two reviewers; the first left every Governance criterion unscored, the second gave each 2.
    Each Governance criterion's mean is then 2 (from the one score it has), so Governance is 2
    whatever the weights, and it counts in the raw mean like any other element."""
    programme = make_programme()
    first, second = make_user(), make_user()
    make_review(programme, first, scores=uniform({"P": 3, "G": None, "R": 3, "D": 3, "V": 3}))
    make_review(programme, second, scores=uniform({"P": 3, "G": 2, "R": 3, "D": 3, "V": 3}))

    with per_criterion_only() if path == "per criterion" else nullcontext():
        recompute_all()

    rating = ProgrammeRating.objects.get(programme=programme)
    assert rating.score_governance == 2.0
    assert (rating.score_purpose, rating.score_process, rating.review_count) == (3.0, 3.0, 2)
    assert 2.0 < rating.raw_mean < 3.0
