"""The convenor's queue and a reviewer's list can be searched and filtered; moderation from the review page."""

import pytest

from programmes.vocabulary import ProgrammeStatus
from reviews.models import CriterionScore, Review, ReviewState
from tests import factories
from tests.workflow.conftest import add_evidence

pytestmark = pytest.mark.django_db


def test_the_queue_is_searched_filtered_and_shows_more_than_25_rows(client, convenor, provider):
    for number in range(30):
        factories.make_programme(provider, status=ProgrammeStatus.SUBMITTED, title=f"Phonics leadership {number:02d}")
    factories.make_programme(
        provider, status=ProgrammeStatus.SUBMITTED, title="Headship coaching", focus_level="headteacher"
    )
    client.force_login(convenor)
    found = client.get("/convenor/?status=submitted&q=headship").content.decode()
    assert "Headship coaching" in found and "Phonics leadership" not in found
    by_focus = client.get("/convenor/?status=submitted&focus=headteacher").content.decode()
    assert "1 programme," in by_focus
    everything = client.get("/convenor/?status=submitted&per_page=50").content.decode()
    assert everything.count("Phonics leadership") == 30 and 'name="per_page"' in everything
    paged = client.get("/convenor/?status=submitted&q=phonics&page=2").content.decode()
    assert 'aria-label="Page 1"' in paged and "q=phonics" in paged


def test_a_reviewer_filters_their_assignments(client, reviewer, provider):
    first = factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW, title="Reading leads")
    second = factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW, title="Maths leads")
    factories.make_review(first, reviewer, state=ReviewState.SUBMITTED)
    factories.make_review(second, reviewer, state=ReviewState.ASSIGNED, scores=None)
    client.force_login(reviewer)
    page = client.get("/reviewer/?state=assigned").content.decode()
    assert "Maths leads" in page and "Reading leads" not in page
    assert "Reading leads" in client.get("/reviewer/?q=reading").content.decode()


def test_the_side_by_side_shows_rationales_and_the_review_page_accepts(client, convenor, reviewer, provider):
    programme = add_evidence(factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW))
    review = factories.make_review(programme, reviewer, state=ReviewState.SUBMITTED)
    CriterionScore.objects.filter(review=review).update(rationale="The impact evaluation is thorough.")
    client.force_login(convenor)
    side_by_side = client.get(f"/convenor/programmes/{programme.slug}/").content.decode()
    assert "The impact evaluation is thorough." in side_by_side
    review_page = client.get(f"/convenor/reviews/{review.id}/").content.decode()
    assert "Accept review" in review_page and "Return to the reviewer" in review_page
    response = client.post(f"/convenor/reviews/{review.id}/accept/", {"next": "review"})
    assert response["Location"] == f"/convenor/reviews/{review.id}/"
    review.refresh_from_db()
    assert review.state == ReviewState.ACCEPTED


def test_the_scoring_task_list_leads_to_one_page_per_element_and_save_and_continue_keeps_everything(
    client, reviewer, provider
):
    from tests.workflow.conftest import criteria, score_post

    programme = add_evidence(factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW))
    review = factories.make_review(programme, reviewer, state=ReviewState.ASSIGNED, scores=None)
    Review.objects.filter(pk=review.pk).update(overall_comment="Strong on purpose.")
    client.force_login(reviewer)
    page = client.get(f"/reviewer/reviews/{review.id}/").content.decode()
    assert page.count('<li class="govuk-task-list__item') == 6 and page.count("Not started") == 5
    assert f'href="/reviewer/reviews/{review.id}/elements/purpose/"' in page
    assert 'type="radio"' not in page
    purpose = [c for c in criteria() if c.element.key == "purpose"]
    body = {key: value for key, value in score_post().items() if key.split("_")[-1] in {str(c.id) for c in purpose}}
    response = client.post(f"/reviewer/reviews/{review.id}/elements/purpose/", body | {"action": "continue"})
    assert response["Location"] == f"/reviewer/reviews/{review.id}/elements/governance/"
    page = client.get(f"/reviewer/reviews/{review.id}/").content.decode()
    assert page.count("Completed") == 1 and page.count("Not started") == 4
    assert CriterionScore.objects.filter(review=review, score=3).count() == len(purpose)
    assert Review.objects.get(pk=review.pk).overall_comment == "Strong on purpose."
