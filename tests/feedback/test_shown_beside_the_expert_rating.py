"""The participant rating on the programme page, the API and the CSV: beside the expert rating,
never mixed into it, and only from the minimum number of responses."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from feedback import engine
from ratings.engine import recompute_programme
from tests import factories
from tests.feedback.conftest import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated_programme(programme, reviewer, other_reviewer):
    factories.make_review(programme, reviewer, scores=3)
    factories.make_review(programme, other_reviewer, scores=3)
    recompute_programme(programme_id=programme.id)
    return programme


def test_the_page_says_how_many_more_responses_are_needed(client, rated_programme, feedback_round):
    answer_all(feedback_round, [4, 4, 4])
    engine.recompute_all()

    page = client.get(rated_programme.get_absolute_url()).content.decode()

    assert "What participants say" in page
    assert "Not enough responses yet: 3 of the 5 needed" in page
    assert "Participant score" not in page


def test_from_the_minimum_the_page_shows_the_participant_score_apart_from_the_rating(
    client, rated_programme, feedback_round, django_assert_max_num_queries
):
    answer_all(feedback_round, [4, 4, 4, 3, 4])
    engine.recompute_all()

    # the programme 1, the rating explanation 9 (v2 reads the framework's own score levels), its
    # history 1, the participant rating 4, the accreditation cycle 8 (validity, crosswalk, concerns,
    # an open re-review) and the change version the page's ETag is made of 1
    with django_assert_max_num_queries(24):
        page = client.get(rated_programme.get_absolute_url()).content.decode()

    rating_panel, participant_panel = page.split('id="participant-heading"')
    assert "Secure" in rating_panel and "3.00 out of 4" in rating_panel
    assert (
        "Participant score" in participant_panel
        and "5 of 10 participants invited (50% response rate)" in participant_panel
    )
    assert "Solicited by the provider" in participant_panel
    assert "I would recommend this programme to a colleague" in participant_panel


def test_the_api_gives_the_participant_rating_beside_the_expert_one(rated_programme, feedback_round):
    answer_all(feedback_round, [4, 4, 4, 3, 4])
    engine.recompute_all()
    api = APIClient()

    detail = api.get(f"/api/v1/programmes/{rated_programme.slug}/").json()
    own = api.get(f"/api/v1/programmes/{rated_programme.slug}/participant-rating/").json()

    assert detail["rating"]["raw_mean"] == 3.0 and detail["rating"]["review_count"] == 2
    assert detail["participant_rating"] == own
    assert own["shown"] is True and own["response_count"] == 5 and own["response_rate"] == 0.5
    assert own["solicited_by"] == "provider" and len(own["questions"]) == 4
    assert 1 <= own["shown_score"] <= 4


def test_below_the_minimum_the_api_gives_counts_and_no_score(rated_programme, feedback_round):
    answer_all(feedback_round, [4])
    engine.recompute_all()

    own = APIClient().get(f"/api/v1/programmes/{rated_programme.slug}/participant-rating/").json()

    assert (own["shown"], own["shown_score"], own["raw_mean"], own["response_count"]) == (False, None, None, 1)


def test_the_csv_has_participant_columns_beside_the_rating(client, rated_programme, feedback_round):
    answer_all(feedback_round, [4, 4, 4, 3, 4])
    engine.recompute_all()

    body = b"".join(client.get("/programmes/export.csv").streaming_content)
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))  # the file opens with a byte-order mark

    row = next(row for row in rows if row["Programme"] == rated_programme.title)
    assert row["Overall score"] == "3.00" and row["Band"] == "Secure"
    assert row["Participant responses"] == "5" and row["Participant response rate"] == "0.50"
    assert row["Participant feedback solicited by"] == "provider"
    assert 1 <= float(row["Participant score (separate from the rating)"]) <= 4
