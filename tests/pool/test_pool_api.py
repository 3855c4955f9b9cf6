"""The pool over the API: the same services as the pages, the one error shape."""

import pytest

from pool.models import ReviewerApplication, ReviewerProfile, ReviewerStatus
from reviews.models import Affiliation, Review
from tests import factories
from tests.pool.conftest import pool_reviewer, queued_programme

pytestmark = pytest.mark.django_db

APPLICATION = {
    "current_role": "Head of English",
    "experience": "Led the trust's English CPD for four years.",
    "phases": ["secondary"],
    "focus_levels": ["middle-leader"],
    "organisations": "Northgate Learning Trust; left 31/7/2024",
}


def test_an_application_with_bad_input_gets_a_400_naming_each_field(as_user, outsider):
    response = as_user(outsider).post(
        "/api/v1/pool/applications/",
        {**APPLICATION, "phases": [], "organisations": "Northgate; left 31/7/2999"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"phases"}
    response = as_user(outsider).post(
        "/api/v1/pool/applications/", {**APPLICATION, "organisations": "Northgate; left 31/7/2999"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["organisations"] == ["Line 1: the date you left must be today or in the past."]
    assert not ReviewerApplication.objects.exists()


def test_applying_twice_is_refused_while_the_first_awaits_a_decision(as_user, outsider):
    assert as_user(outsider).post("/api/v1/pool/applications/", APPLICATION, format="json").status_code == 201
    again = as_user(outsider).post("/api/v1/pool/applications/", APPLICATION, format="json")
    assert again.status_code == 409 and "already applied" in again.json()["detail"]


def test_a_convenor_accepts_and_the_pool_lists_them_in_training_with_their_conflict(
    as_user, outsider, convenor, provider
):
    created = as_user(outsider).post("/api/v1/pool/applications/", APPLICATION, format="json").json()
    accepted = as_user(convenor).post(f"/api/v1/pool/applications/{created['id']}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert Affiliation.objects.get(reviewer=outsider).provider == provider
    listed = as_user(convenor).get("/api/v1/pool/reviewers/?status=in-training").json()["results"]
    assert [member["username"] for member in listed] == ["outsider-olly"]
    member = listed[0]
    assert member["open_reviews"] == 0 and member["measures"]["agreement_alpha"] == {"value": None, "reviews": 0}


def test_the_queue_is_suggested_and_assigned_through_the_api(as_user, convenor):
    for name in ("api-ann", "api-bob", "api-cy"):
        pool_reviewer(name)
    pool_reviewer("api-paused", status=ReviewerStatus.PAUSED)
    first, second = queued_programme(), queued_programme()
    suggested = as_user(convenor).get("/api/v1/pool/suggestions/").json()
    assert [entry["programme"] for entry in suggested] == [first.slug, second.slug]
    chosen = [
        {"programme": entry["programme"], "reviewer": pick["reviewer"]}
        for entry in suggested
        for pick in entry["suggested"]
    ]
    assert len(chosen) == 4 and "api-paused" not in {c["reviewer"] for c in chosen}
    assert all(pick["reasons"] for entry in suggested for pick in entry["suggested"])
    outcomes = as_user(convenor).post("/api/v1/pool/suggestions/", {"assignments": chosen}, format="json").json()
    assert [outcome["assigned"] for outcome in outcomes] == [True] * 4
    assert Review.objects.filter(programme__in=[first, second]).count() == 4
    one = as_user(convenor).get(f"/api/v1/programmes/{first.slug}/suggestions/").json()
    assert one["needed"] == 0 and one["suggested"] == []


def test_assigning_an_unknown_programme_or_reviewer_names_the_entry(as_user, convenor):
    programme = queued_programme()
    response = as_user(convenor).post(
        "/api/v1/pool/suggestions/",
        {"assignments": [{"programme": programme.slug, "reviewer": "nobody"}, {"programme": "nope", "reviewer": "x"}]},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "assignments.0.reviewer",
        "assignments.1.programme",
        "assignments.1.reviewer",
    }
    assert not Review.objects.exists()


def test_a_paused_reviewer_is_refused_by_the_assignment_endpoint_too(as_user, convenor):
    paused = pool_reviewer("paused-pat", status=ReviewerStatus.PAUSED)
    programme = queued_programme()
    response = as_user(convenor).post(
        f"/api/v1/programmes/{programme.slug}/reviewers/", {"reviewer": paused.username}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["reviewer"] == [
        "paused-pat is paused in the reviewer pool, so cannot be assigned."
    ]
    assert ReviewerProfile.objects.get(reviewer=paused).status == ReviewerStatus.PAUSED
    assert factories.live_framework()
