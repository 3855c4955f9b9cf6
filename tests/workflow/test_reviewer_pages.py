import pytest

from programmes.vocabulary import ProgrammeStatus
from reviews.models import ReviewState
from tests import factories

pytestmark = pytest.mark.django_db


def test_my_assignments_lists_only_my_reviews_in_bounded_queries(
    client, reviewer, other_reviewer, provider, django_assert_max_num_queries
):
    for number in range(15):
        programme = factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW, title=f"Mine {number}")
        factories.make_review(programme, reviewer, state=ReviewState.IN_PROGRESS, scores={"P1": 2})
    theirs = factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW, title="Someone else's")
    factories.make_review(theirs, other_reviewer, state=ReviewState.ASSIGNED, scores=None)
    client.force_login(reviewer)
    with django_assert_max_num_queries(7):
        html = client.get("/reviewer/").content.decode()
    assert html.count("/reviewer/reviews/") == 15
    assert "Someone else" not in html


def test_the_scoring_page_reads_the_framework_in_a_bounded_number_of_queries(
    client, reviewer, submitted_programme, django_assert_max_num_queries
):
    review = factories.make_review(submitted_programme, reviewer, state=ReviewState.IN_PROGRESS)
    client.force_login(reviewer)
    with django_assert_max_num_queries(14):
        assert client.get(f"/reviewer/reviews/{review.id}/").status_code == 200


@pytest.mark.parametrize("step", ["", "elements/purpose/", "submit/"])
def test_the_scoring_pages_take_a_fixed_number_of_queries(
    client, reviewer, provider, step, django_assert_max_num_queries
):
    from tests.workflow.conftest import add_evidence

    programme = add_evidence(factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW))
    review = factories.make_review(programme, reviewer, state=ReviewState.IN_PROGRESS)
    client.force_login(reviewer)
    with django_assert_max_num_queries(14):
        assert client.get(f"/reviewer/reviews/{review.id}/{step}").status_code == 200
