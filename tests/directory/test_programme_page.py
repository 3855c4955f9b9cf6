import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programmes.models import ProviderResponse
from programmes.vocabulary import ProgrammeStatus
from ratings.engine import recompute_all
from ratings.models import RatingHistory
from tests.factories import make_programme, make_review, make_user

pytestmark = pytest.mark.django_db


def test_the_programme_page_says_what_it_is_and_shows_the_rating_panel(client, catalogue):
    page = client.get(catalogue.curriculum.get_absolute_url()).content.decode()

    for fact in ["Leadership of the curriculum", "University of Fenbury", "Middle leaders", "Course", "Online",
                 "12 hours over 10 weeks", "£450", "School pays", "Secondary", "North West",
                 "Participants lead their subject well.", "The EEF guidance on professional development."]:  # fmt: skip
        assert fact in page, fact
    assert "Secure" in page
    assert "3.00 out of 4" in page  # shown score and raw mean
    assert "Published reviews" in page
    assert "How ratings work" in page or "how ratings work" in page


def test_the_element_breakdown_and_every_criterions_mean_and_anonymous_rationales_are_shown(
    client, catalogue, reviewer, other_reviewer
):
    make_review(catalogue.middle, reviewer, scores={"G1": 4, "G2": 2})
    make_review(catalogue.middle, other_reviewer, scores={"G1": 2, "G2": 2})
    make_review(catalogue.middle, make_user("reviewer-unpublished"), scores=1, state="submitted")
    recompute_all()

    response = client.get(catalogue.middle.get_absolute_url())
    page = response.content.decode()
    governance = next(element for element in response.context["elements"] if element.key == "governance")
    g1 = next(criterion for criterion in governance.criteria if criterion.code == "G1")

    assert g1.mean == 3.0 and sorted(g1.scores) == [2, 4]  # the submitted, unpublished review is left out
    assert "G1" in page and "mean 3.00 from 2 scores" in page
    assert "Rationale for G1." in page
    assert "reviewer-rob" not in page and "reviewer-rita" not in page
    assert '<svg class="app-chart__svg" role="img"' in page
    assert re.search(
        r'<caption [^>]*class="govuk-table__caption govuk-table__caption--m">Element scores</caption>', page
    )


def test_the_rating_trend_and_the_providers_response_are_shown(client, catalogue):
    RatingHistory.objects.create(programme=catalogue.curriculum, review_count=2, raw_mean=2.6, band="Developing",
                                 computed_at=timezone.now() - timezone.timedelta(days=30))  # fmt: skip
    ProviderResponse.objects.create(programme=catalogue.curriculum, text="We have added in-school follow-up.")

    page = client.get(catalogue.curriculum.get_absolute_url()).content.decode()

    assert "Trend" in page and "Developing" in page and "2.60" in page
    assert "We have added in-school follow-up." in page


def test_a_programme_without_reviews_says_it_is_not_yet_rated(client, catalogue):
    page = client.get(catalogue.network.get_absolute_url()).content.decode()
    assert "Not yet rated" in page and "no published reviews yet" in page


def test_a_withdrawn_programme_keeps_its_page_and_says_so(client, catalogue):
    page = client.get(catalogue.withdrawn.get_absolute_url()).content.decode()
    assert "This programme was withdrawn from the register" in page
    assert "The provider stopped running it." not in page  # the recorded reason is not published
    assert "Add to compare" not in page


def test_drafts_and_unknown_programmes_have_no_public_page(client, catalogue):
    assert client.get(catalogue.draft.get_absolute_url()).status_code == 404
    assert client.get("/programmes/no-such-programme/").status_code == 404
    in_review = make_programme(catalogue.trust, status=ProgrammeStatus.IN_REVIEW)
    assert client.get(in_review.get_absolute_url()).status_code == 404


def test_how_ratings_work_shows_the_live_frameworks_weights_and_thresholds(client, framework):
    page = client.get("/how-ratings-work/").content.decode()

    assert framework.name in page
    for text in ["Exemplary", "3.50", "Secure", "2.75", "Developing", "2.00", "Limited", "P1", "V4",
                 "Governance", "m = 2", "fewer than 2 published reviews"]:  # fmt: skip
        assert text in page, text


def test_a_rated_programmes_page_reads_its_framework_once_per_process(client, catalogue):
    """A published framework's parts never change, so a second programme page reads only the
    programme's own rows; the first page of a process also read the framework's criteria, bands,
    levels and crosswalk."""
    client.get(catalogue.curriculum.get_absolute_url())  # the framework's parts, read once
    page = catalogue.middle.get_absolute_url()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(page)
    assert response.status_code == 200
    read = " ".join(query["sql"] for query in queries.captured_queries)
    for table in ('reviews_criterion"', 'reviews_band"', 'reviews_scorelevel"', 'reviews_crosswalktag"'):
        assert f'FROM "{table}' not in read, table
