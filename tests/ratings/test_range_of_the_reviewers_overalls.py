"""The headline is shown with the number of reviews and the range of the reviewers' own overalls
(method v2): the lowest and highest published review's overall, computed by the engine and stored
with the rating, on the programme page, in the API's rating object and in the CSV export."""

import csv
import io
from fractions import Fraction

import pytest
from rest_framework.test import APIClient

from ratings.engine import recompute_all
from ratings.models import ProgrammeRating
from reviews.models import CriterionScore, ReviewState
from tests.factories import make_programme, make_provider, make_review, make_user
from tests.ratings.helpers import publish_framework_version
from tests.ratings.test_method import uniform

pytestmark = pytest.mark.django_db


@pytest.fixture
def weighted():
    """P1 weighs 3 (other criteria 1); Purpose weighs 2 (other elements 1)."""
    return publish_framework_version(criterion_weights={"P1": "3"}, element_weights={"purpose": "2"})


def test_the_range_is_each_reviews_own_overall_by_the_same_method_worked_by_hand(weighted):
    """Programme A, two reviewers:
        reviewer 1: P1 4, P2–P4 3, G 3, R 3, D 3, V 2
            Purpose (3·4 + 3 + 3 + 3)/6 = 21/6; overall (2·21/6 + 3 + 3 + 3 + 2)/6 = 18/6 = 3
        reviewer 2: P1 2, P2–P4 3, G 4, R 3, D 3, V 2
            Purpose (3·2 + 9)/6 = 15/6; overall (2·15/6 + 4 + 3 + 3 + 2)/6 = 17/6 ≈ 2.8333
        range 17/6 to 3; the headline 35/12 lies between.
    Programme B, three reviewers, the third leaving V2–V4 unscored and giving V1 2, all else 4:
        reviewers 1 and 2: 4; reviewer 3: Value = 2 (its one scored criterion),
            overall (2·4 + 4 + 4 + 4 + 2)/6 = 22/6 = 11/3
        range 11/3 to 4.
    """
    a, b = make_programme(make_provider()), make_programme(make_provider())
    reviewers = [make_user() for _ in range(3)]
    make_review(a, reviewers[0], scores=uniform({"P": 3, "G": 3, "R": 3, "D": 3, "V": 2}, P1=4))
    make_review(a, reviewers[1], scores=uniform({"P": 3, "G": 4, "R": 3, "D": 3, "V": 2}, P1=2))
    for reviewer in reviewers[:2]:
        make_review(b, reviewer, scores=4)
    third = make_review(b, reviewers[2], scores=uniform({"P": 4, "G": 4, "R": 4, "D": 4, "V": 4}, V1=2))
    CriterionScore.objects.filter(review=third, criterion__code__in=["V2", "V3", "V4"]).update(score=None)
    make_review(b, make_user(), scores=1, state=ReviewState.SUBMITTED)  # not published: not in the range

    recompute_all()

    rating_a, rating_b = ProgrammeRating.objects.get(programme=a), ProgrammeRating.objects.get(programme=b)
    assert (rating_a.lowest_review_overall, rating_a.highest_review_overall) == (float(Fraction(17, 6)), 3.0)
    assert rating_a.lowest_review_overall < rating_a.raw_mean == float(Fraction(35, 12)) < 3.0
    assert (rating_b.lowest_review_overall, rating_b.highest_review_overall) == (float(Fraction(11, 3)), 4.0)
    assert rating_b.review_count == 3


def test_the_range_is_shown_beside_the_headline_in_the_api_and_in_the_csv(client, weighted):
    programme = make_programme(make_provider(), title="Leading Phonics")
    make_review(programme, make_user(), scores=uniform({"P": 3, "G": 3, "R": 3, "D": 3, "V": 2}, P1=4))
    make_review(programme, make_user(), scores=uniform({"P": 3, "G": 4, "R": 3, "D": 3, "V": 2}, P1=2))
    recompute_all()

    page = client.get(programme.get_absolute_url()).content.decode()
    headline = page.split('id="rating-heading"')[1].split("Why this band")[0]
    assert "from 2 published reviews." in headline
    assert "The reviewers' own overall scores ranged from 2.83 to 3.00." in headline

    rating = APIClient().get(f"/api/v1/programmes/{programme.slug}/").json()["rating"]
    assert rating["lowest_review_overall"] == pytest.approx(17 / 6) and rating["highest_review_overall"] == 3.0
    listed = APIClient().get("/api/v1/programmes/").json()["results"][0]["rating"]
    assert listed["highest_review_overall"] == 3.0

    body = b"".join(client.get("/programmes/export.csv").streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(body)))[:2]
    assert header[header.index("Published reviews") :][:3] == [
        "Published reviews",
        "Lowest review overall",
        "Highest review overall",
    ]
    lowest, highest = header.index("Lowest review overall"), header.index("Highest review overall")
    assert (row[lowest], row[highest]) == ("2.83", "3.00")


def test_the_schema_documents_the_range_in_the_rating_object(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    rating = schema["components"]["schemas"]["RatingSummary"]["properties"]
    assert "reviews' own overall" in rating["lowest_review_overall"]["description"]
    assert "highest_review_overall" in rating
