from datetime import timedelta

import pytest
from django.utils import timezone

from programmes.models import ProviderResponse
from programmes.vocabulary import ProgrammeStatus
from ratings.engine import recompute_all
from ratings.models import RatingHistory
from tests.factories import make_programme, make_programme_rating, make_review

pytestmark = pytest.mark.django_db


def rate(programme, framework):
    """Secure, written an hour ago, with a range of review overalls and four element scores."""
    return make_programme_rating(
        programme,
        framework=framework,
        raw_mean=3.2,
        shown_score=3.1,
        lowest_review_overall=2.9,
        highest_review_overall=3.5,
        elements={"purpose": 3.0, "governance": 3.5, "process": 3.0, "definitions": 2.5, "value": None},
        computed_at=timezone.now() - timedelta(hours=1),
    )


def test_the_programme_list_shows_published_programmes_only(anonymous, provider):
    published = make_programme(provider, title="Leading maths", regions=["london", "south-east"], phases=["primary"])
    make_programme(provider, title="A draft", status=ProgrammeStatus.DRAFT)
    make_programme(provider, title="Under review", status=ProgrammeStatus.IN_REVIEW)

    response = anonymous.get("/api/v1/programmes/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    listed = body["results"][0]
    assert listed["slug"] == published.slug
    assert listed["provider"] == {"slug": provider.slug, "name": provider.name, "provider_type": "mat"}
    assert listed["regions"] == ["london", "south-east"]
    assert listed["cost_per_participant"] == 450.0
    assert listed["web_url"] == f"/programmes/{published.slug}/"
    assert listed["rating"] is None


def test_a_rated_programme_shows_its_band_in_the_list(anonymous, provider, framework):
    programme = make_programme(provider)
    rate(programme, framework)

    listed = anonymous.get("/api/v1/programmes/").json()["results"][0]

    assert listed["rating"] == {
        "band": "Secure",
        "band_rank": 2,
        "shown_score": 3.1,
        "raw_mean": 3.2,
        "review_count": 2,
        "lowest_review_overall": 2.9,
        "highest_review_overall": 3.5,
    }


def test_a_rating_comes_with_the_evidence_behind_it(anonymous, provider, framework, reviewer, other_reviewer):
    programme = make_programme(provider)
    make_review(programme, reviewer, scores={"P1": 4})
    make_review(programme, other_reviewer, scores={"P1": 2})
    recompute_all()

    explanation = anonymous.get(f"/api/v1/programmes/{programme.slug}/rating/").json()

    assert (explanation["band"], explanation["raw_mean"], explanation["review_count"]) == ("Secure", 3.0, 2)
    assert explanation["framework_version"] == framework.version
    assert "Secure" in explanation["band_rule"]
    purpose = explanation["elements"][0]
    assert (purpose["key"], purpose["mean"], purpose["spread"]) == ("purpose", 3.0, 2)
    first = purpose["criteria"][0]
    assert (first["code"], first["scores"], first["mean"]) == ("P1", [2, 4], 3.0)
    assert first["rationales"] == ["Rationale for P1.", "Rationale for P1."]
    assert "reviewer-rob" not in str(explanation)


def test_the_rating_history_lists_every_rating_oldest_first(anonymous, provider):
    programme = make_programme(provider)
    now = timezone.now()
    for days_ago, band, score in ((30, "Not yet rated", None), (10, "Developing", 2.4), (1, "Secure", 3.0)):
        RatingHistory.objects.create(
            programme=programme,
            review_count=2,
            shown_score=score,
            band=band,
            computed_at=now - timedelta(days=days_ago),
        )

    history = anonymous.get(f"/api/v1/programmes/{programme.slug}/rating/history/").json()

    assert [(entry["band"], entry["shown_score"]) for entry in history] == [
        ("Not yet rated", None),
        ("Developing", 2.4),
        ("Secure", 3.0),
    ]


def test_the_programme_list_pages_by_twenty_or_as_asked_up_to_a_hundred(anonymous, provider):
    for number in range(23):
        make_programme(provider, title=f"Programme {number:02}")

    first = anonymous.get("/api/v1/programmes/").json()
    second = anonymous.get("/api/v1/programmes/?page=2").json()
    small = anonymous.get("/api/v1/programmes/?page_size=5").json()

    assert (first["count"], len(first["results"]), len(second["results"])) == (23, 20, 3)
    assert second["next"] is None and second["previous"] is not None
    assert len(small["results"]) == 5


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999999", "3"])
def test_a_page_that_does_not_exist_is_a_404_in_the_error_shape(anonymous, provider, page):
    make_programme(provider)

    response = anonymous.get(f"/api/v1/programmes/?page={page}")

    assert response.status_code == 404
    assert set(response.json()) == {"status", "code", "detail", "errors"}


def test_the_programme_list_takes_a_fixed_number_of_queries(
    anonymous, provider, framework, django_assert_max_num_queries
):
    for _ in range(15):
        rate(make_programme(provider), framework)

    # The live bands, the directory snapshot's change version (and, as tests rebuild it, its load)
    # and one page of rows: the same however many programmes match.
    with django_assert_max_num_queries(5):
        assert anonymous.get("/api/v1/programmes/").status_code == 200


def test_a_programme_page_shows_outcomes_evidence_base_and_the_providers_response(anonymous, provider):
    programme = make_programme(provider, intended_outcomes="Pupils read more.")
    ProviderResponse.objects.create(programme=programme, text="We thank the reviewers.")

    body = anonymous.get(f"/api/v1/programmes/{programme.slug}/").json()

    assert body["intended_outcomes"] == "Pupils read more."
    assert body["provider_response"]["text"] == "We thank the reviewers."


def test_a_withdrawn_programme_keeps_its_page_and_says_so_without_the_internal_reason(anonymous, provider):
    # Withdrawn after publication: a programme withdrawn before it was ever published stays private.
    programme = make_programme(
        provider, status=ProgrammeStatus.WITHDRAWN, published_at=timezone.now(), withdrawn_reason="Convenor: duplicate."
    )

    response = anonymous.get(f"/api/v1/programmes/{programme.slug}/")
    body = response.json()

    assert (body["status"], body["standing"]["status"], body["standing"]["label"]) == (
        "withdrawn",
        "withdrawn",
        "Withdrawn",
    )
    assert "its rating no longer applies" in body["standing"]["statement"]
    assert "duplicate" not in response.content.decode()


@pytest.mark.parametrize("status", [ProgrammeStatus.DRAFT, ProgrammeStatus.SUBMITTED, ProgrammeStatus.IN_REVIEW])
def test_a_programme_not_yet_published_is_not_found(anonymous, provider, status):
    programme = make_programme(provider, status=status)

    for path in (
        f"/api/v1/programmes/{programme.slug}/",
        f"/api/v1/programmes/{programme.slug}/rating/",
        f"/api/v1/programmes/{programme.slug}/rating/history/",
    ):
        response = anonymous.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_an_unrated_programme_says_so_and_why(anonymous, provider):
    programme = make_programme(provider)

    explanation = anonymous.get(f"/api/v1/programmes/{programme.slug}/rating/").json()

    assert (explanation["band"], explanation["shown_score"]) == ("Not yet rated", None)
    assert "needs at least 2" in explanation["band_rule"]
