"""Where the OpenAPI schema and the behaviour used to differ, each now says the same thing."""

import uuid

import pytest
from rest_framework.test import APIClient

from qaportal.roles import Role
from reviews.models import ReviewState
from tests.factories import make_programme, make_review, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def openapi(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/json").json()


def operation(openapi, path: str, method: str = "get") -> dict:
    return openapi["paths"][path][method]


def query_parameters(op: dict) -> dict[str, dict]:
    return {
        parameter["name"]: parameter["schema"] for parameter in op.get("parameters", []) if parameter["in"] == "query"
    }


def test_a_programmes_reviews_are_documented_and_answered_as_one_list(openapi, as_user, provider):
    op = operation(openapi, "/api/v1/programmes/{slug}/reviews/")
    body = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["type"] == "array" and "page" not in query_parameters(op)

    programme = make_programme(provider, status="in-review")
    make_review(programme, make_user(role=Role.REVIEWER), state=ReviewState.IN_PROGRESS)
    answer = as_user(make_user(role=Role.CONVENOR)).get(f"/api/v1/programmes/{programme.slug}/reviews/").json()
    assert isinstance(answer, list) and len(answer) == 1


def test_the_summaries_are_not_documented_as_pages(openapi):
    assert not {"page", "page_size"} & set(query_parameters(operation(openapi, "/api/v1/summaries/")))


def test_page_size_is_documented_from_1_to_100_and_refused_outside(openapi, anonymous, as_user):
    for path in ("/api/v1/programmes/", "/api/v1/providers/", "/api/v1/assignments/", "/api/v1/exports/"):
        assert query_parameters(operation(openapi, path))["page_size"] == {
            "type": "integer",
            "minimum": 1,
            "maximum": 100,
        }
    reviewer = as_user(make_user(role=Role.REVIEWER))
    for junk in ("null", "0", "101", "x"):
        assert anonymous.get("/api/v1/programmes/", {"page_size": junk}).status_code == 400
        assert reviewer.get("/api/v1/assignments/", {"page_size": junk}).json()["errors"].keys() == {"page_size"}


def test_a_boolean_filter_refuses_words_it_does_not_know(openapi, anonymous):
    assert query_parameters(operation(openapi, "/api/v1/providers/"))["rated"] == {"type": "boolean"}
    assert anonymous.get("/api/v1/providers/", {"rated": "null"}).json()["errors"] == {"rated": ["Send true or false."]}
    assert anonymous.get("/api/v1/programmes/", {"free": "maybe"}).status_code == 400
    assert anonymous.get("/api/v1/providers/", {"rated": "true"}).status_code == 200


def test_a_cost_is_documented_with_its_largest_value(openapi, anonymous):
    assert query_parameters(operation(openapi, "/api/v1/programmes/"))["max_cost"]["maximum"] == 999999.99
    assert anonymous.get("/api/v1/programmes/", {"max_cost": "1000000"}).status_code == 400


def test_an_empty_queue_status_means_submitted_as_documented(openapi, as_user):
    assert "" in query_parameters(operation(openapi, "/api/v1/moderation/"))["status"]["enum"]
    assert as_user(make_user(role=Role.CONVENOR)).get("/api/v1/moderation/", {"status": ""}).status_code == 200


def test_required_text_is_documented_as_not_blank(openapi):
    schemas = openapi["components"]["schemas"]
    assert schemas["ReasonInput"]["properties"]["reason"]["pattern"] == "\\S"
    assert schemas["ReturnInput"]["properties"]["comment"]["pattern"] == "\\S"
    assert schemas["TokenRequest"]["properties"]["password"]["pattern"] == "\\S"
    assert schemas["TokenRequest"]["properties"]["username"]["maxLength"] == 150


def test_the_idempotency_key_must_be_a_uuid_as_documented(openapi, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    parameters = {p["name"]: p for p in operation(openapi, "/api/v1/exports/", "post")["parameters"]}
    assert parameters["Idempotency-Key"]["schema"] == {"type": "string"}
    convenor = as_user(make_user(role=Role.CONVENOR))
    squashed = uuid.uuid4().hex  # a UUID without its hyphens is not the documented format
    response = convenor.post(
        "/api/v1/exports/", {"format": "csv"}, format="json", headers={"Idempotency-Key": squashed}
    )
    assert response.status_code == 400


def test_writes_document_the_request_size_refusal(openapi):
    assert "413" in operation(openapi, "/api/v1/exports/", "post")["responses"]
