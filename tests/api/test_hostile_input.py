"""Hostile and malformed input the schema fuzzer does not send: parameters the schema did not
document, bytes no client library would send, writes by the wrong person. Each is refused with a
4xx in the one error shape, never a server error."""

import pytest

from reviews.models import ReviewState
from tests.factories import join_pool, make_programme, make_provider, make_review, make_user

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"status", "code", "detail", "errors"}


@pytest.mark.parametrize("status", ["a\x00b", "asleep", "ACTIVE", "x" * 5000])
def test_a_pool_status_the_pool_does_not_have_is_a_400_naming_it(as_user, convenor, status):
    response = as_user(convenor).get("/api/v1/pool/reviewers/", {"status": status})

    assert response.status_code == 400
    assert set(response.json()) == ERROR_KEYS
    assert list(response.json()["errors"]) == ["status"]


def test_the_pool_is_filtered_by_a_documented_status_and_an_empty_one_means_every_status(as_user, convenor):
    join_pool(make_user("paused-pat"), status="paused")
    join_pool(make_user("active-abe"), status="active")

    paused = as_user(convenor).get("/api/v1/pool/reviewers/", {"status": "paused"}).json()["results"]
    every = as_user(convenor).get("/api/v1/pool/reviewers/", {"status": ""}).json()["results"]

    assert [member["username"] for member in paused] == ["paused-pat"]
    assert {"paused-pat", "active-abe"} <= {member["username"] for member in every}


def test_the_pool_status_filter_is_documented_with_its_choices(anonymous):
    schema = anonymous.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/pool/reviewers/"]

    status = next(parameter for parameter in operation["get"]["parameters"] if parameter["name"] == "status")
    assert set(status["schema"]["enum"]) >= {"in-training", "active", "paused", "retired"}


@pytest.mark.parametrize(
    "body",
    [
        b'{"format": "\\ud800", "filters": {}}',
        b'{"format": "csv", "filters": {"\\udfff": []}}',
    ],
)
def test_a_lone_surrogate_echoed_in_an_error_is_a_400_not_a_server_error(as_user, convenor, body):
    # JSON can escape a lone surrogate that no UTF-8 text holds; a choice error quotes what was sent.
    response = as_user(convenor).post("/api/v1/exports/", data=body, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == ERROR_KEYS
    assert "\ufffd" in response.content.decode("utf-8")


def test_a_lone_surrogate_in_a_criterion_code_is_named_in_the_error_as_a_replacement_character(as_user, reviewer):
    review = make_review(make_programme(make_provider()), reviewer, state=ReviewState.IN_PROGRESS, scores=None)
    body = b'{"scores": {"P1\\ud800": {"score": 1}}}'

    response = as_user(reviewer).post(f"/api/v1/reviews/{review.pk}/draft/", data=body, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["scores.P1\ufffd"]
