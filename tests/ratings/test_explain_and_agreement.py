import krippendorff
import numpy as np
import pytest

from programmes.models import Programme
from qaportal.display import score_figure
from ratings.agreement import reviewer_agreement
from ratings.engine import recompute_all
from ratings.explain import explain_programme_rating
from tests.factories import make_programme, make_review, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(provider, reviewer, other_reviewer):
    programme = make_programme(provider)
    make_review(programme, reviewer, scores={"P1": 4, "G2": 1})
    make_review(programme, other_reviewer, scores={"P1": 2, "G2": 3})
    recompute_all()
    return programme


def test_the_explanation_shows_every_figure_behind_the_rating_without_reviewer_names(reviewed, reviewer):
    explanation = explain_programme_rating(programme_id=reviewed.id)

    purpose = explanation.elements[0]
    p1 = purpose.criteria[0]
    assert (p1.code, p1.scores, p1.mean, p1.weight) == ("P1", [2, 4], 3.0, 1.0)
    assert p1.rationales == ["Rationale for P1.", "Rationale for P1."]
    governance = explanation.elements[1]
    assert (governance.key, governance.mean, governance.spread) == ("governance", 2.75, 2)
    assert (explanation.review_count, explanation.max_spread) == (2, 2)
    assert explanation.prior == pytest.approx(explanation.raw_mean)  # the only rated programme
    assert explanation.shown_score == pytest.approx(explanation.raw_mean)
    assert explanation.band_rule == (
        f"Raw overall {score_figure(explanation.raw_mean)} is at least 2.75 and no element is below 2.00; "
        "below 3.50 (Exemplary): Secure."
    )
    assert reviewer.username not in repr(explanation)


def test_the_explanation_costs_the_same_queries_however_many_reviews(reviewed, django_assert_max_num_queries):
    for _ in range(5):
        make_review(reviewed, make_user(), scores=3)
    recompute_all()
    with django_assert_max_num_queries(9):
        explanation = explain_programme_rating(programme_id=reviewed.id)
    assert explanation.review_count == 7


def test_an_unrated_programme_explains_what_it_still_needs(provider, reviewer):
    programme = make_programme(provider)
    make_review(programme, reviewer, scores=3)
    recompute_all()
    explanation = explain_programme_rating(programme_id=programme.id)
    assert explanation.band == "Not yet rated"
    assert explanation.band_rule == "Not yet rated: 1 published review; a rating needs at least 2."
    assert explanation.elements[0].mean == 3.0


def test_agreement_matches_the_package_on_the_raw_reliability_data(provider):
    """Three programmes, two or three reviewers each; P1 scores per programme:
    (4, 4), (2, 3, 3), (1, 4). A programme with one review is left out."""
    reviewers = [make_user() for _ in range(3)]
    for scores in [(4, 4), (2, 3, 3), (1, 4), (2,)]:
        programme = make_programme(provider)
        for reviewer, p1 in zip(reviewers, scores, strict=False):
            make_review(programme, reviewer, scores={"P1": p1})

    report = reviewer_agreement()

    reliability = np.array([[4, 2, 1], [4, 3, 4], [np.nan, 3, np.nan]])
    expected = krippendorff.alpha(reliability_data=reliability, level_of_measurement="ordinal")
    assert report.by_criterion["P1"] == pytest.approx(expected)
    assert (report.programmes, report.reviews) == (3, 7)
    assert report.by_criterion["P2"] is None  # everyone gave 3: agreement is undefined
    purpose = next(score for score in report.elements if score.key == "purpose")
    assert purpose.units == 12


def test_agreement_can_be_restricted_to_some_programmes(provider, reviewer, other_reviewer):
    agreeing, disagreeing = make_programme(provider, title="Agreeing"), make_programme(provider, title="Split")
    for programme, (first, second) in [(agreeing, (4, 4)), (disagreeing, (1, 4))]:
        make_review(programme, reviewer, scores={"P1": first, "P2": 2})
        make_review(programme, other_reviewer, scores={"P1": second, "P2": 3})

    whole = reviewer_agreement()
    one = reviewer_agreement(programmes=Programme.objects.filter(title__in=["Split"]))

    assert whole.programmes == 2 and one.programmes == 1
    assert whole.by_criterion["P1"] is not None
    assert (
        one.by_criterion["P1"]
        == pytest.approx(
            krippendorff.alpha(reliability_data=[[1], [4]], value_domain=[1, 2, 3, 4], level_of_measurement="ordinal")
        )
        or one.by_criterion["P1"] is None
    )
