"""Per-reviewer measures on a hand-worked example.

Rob has three published reviews. On programme X his co-reviewer Rita scores every criterion as
he does (3) except P1, where he gives 4 and she 2. On programme Y he gives 3 everywhere and Ruth
2 everywhere. Programme Z he reviewed alone. So his score pairs with co-reviewers are 19 × (3, 3),
1 × (4, 2) and 20 × (3, 2): 40 pairs from 2 reviews.

Mean signed difference: (19·0 + 1·2 + 20·1) / 40 = 22 / 40 = 0.55 — more lenient.

Ordinal alpha, by the coincidence matrix (each pair counted both ways): values n₂ = 21, n₃ = 58,
n₄ = 1, N = 80. Distances δ(c, k) = (Σ_{g=c..k} n_g − (n_c + n_k)/2)²: δ(2,3) = 39.5² = 1560.25,
δ(3,4) = 29.5² = 870.25, δ(2,4) = 69² = 4761.
Observed D_o = (2·1·4761 + 2·20·1560.25) / 80 = 899.15.
Expected D_e = (2·21·58·1560.25 + 2·21·1·4761 + 2·58·1·870.25) / (80·79) = 4,101,680 / 6,320 = 649.
α = 1 − 899.15 / 649 = −0.38544.

Rita returned Rob's review of X once: 1 of 3 published reviews returned. He took 2, 4 and 9
days from assignment to submission: median 4. He has one open assignment now, capacity 4.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from pool.measures import reviewer_measures
from programmes.vocabulary import ProgrammeStatus
from reviews import audit
from reviews.models import Review, ReviewState
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(reviewer, other_reviewer, convenor):
    ruth = factories.make_user("reviewer-ruth", role="reviewer")
    x, y, z = (factories.make_programme(status=ProgrammeStatus.PUBLISHED) for _ in range(3))
    rob_x = factories.make_review(x, reviewer, scores={"P1": 4})
    factories.make_review(x, other_reviewer, scores={"P1": 2})
    rob_y = factories.make_review(y, reviewer, scores=3)
    factories.make_review(y, ruth, scores=2)
    rob_z = factories.make_review(z, reviewer, scores=1)
    now = timezone.now()
    for review, days in ((rob_x, 2), (rob_y, 4), (rob_z, 9)):
        Review.objects.filter(pk=review.pk).update(
            assigned_at=now - timedelta(days=days + 1), submitted_at=now - timedelta(days=1)
        )
    audit.record_state(actor=convenor, programme_id=x.id, review_id=rob_x.id, old="submitted", new="returned")
    open_programme = factories.make_programme(status=ProgrammeStatus.IN_REVIEW)
    factories.make_review(open_programme, reviewer, state=ReviewState.ASSIGNED, scores=None)
    return reviewer


def test_per_reviewer_measures_match_the_hand_worked_example(history, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        measures = reviewer_measures(reviewer_ids=[history.id])[history.id]
    assert measures.published_reviews == 3
    assert measures.score_pairs == 40
    assert measures.mean_signed_difference.value == pytest.approx(0.55)
    assert measures.mean_signed_difference.reviews == 2
    assert measures.leaning == "More lenient than co-reviewers"
    assert measures.alpha.value == pytest.approx(1 - 899.15 / 649, abs=1e-9)
    assert measures.alpha.reviews == 2
    assert measures.returned_share.value == pytest.approx(1 / 3)
    assert measures.returned_share.reviews == 3
    assert measures.median_days_to_submit.value == pytest.approx(4, abs=1e-6)
    assert measures.median_days_to_submit.reviews == 3


def test_the_co_reviewers_see_the_mirror_image(history, other_reviewer):
    rita = reviewer_measures(reviewer_ids=[other_reviewer.id])[other_reviewer.id]
    # Rita's pairs with Rob on X: 19 × (3, 3) and 1 × (2, 4): harsher by 2/20 = 0.1.
    assert rita.mean_signed_difference.value == pytest.approx(-0.1)
    assert rita.leaning == "Harsher than co-reviewers"


def test_a_reviewer_with_no_published_reviews_has_no_figures_rather_than_zeros(reviewer):
    measures = reviewer_measures(reviewer_ids=[reviewer.id])[reviewer.id]
    assert measures.alpha.value is None and measures.returned_share.value is None
    assert measures.median_days_to_submit.value is None and measures.published_reviews == 0
