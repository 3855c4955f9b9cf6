"""Where the OpenAPI schema and the behaviour used to differ, each now says the same thing."""

import re
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from qaportal.roles import Role
from ratings.models import ProgrammeRating
from reviews.models import ReviewState
from tests.factories import live_framework, make_programme, make_review, make_user

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
    for schema, field in (("ReasonInput", "reason"), ("ReturnInput", "comment"), ("ApplicationInput", "current_role")):
        pattern = schemas[schema]["properties"][field]["pattern"]
        assert re.search(pattern, "Late.") and not re.search(pattern, "") and not re.search(pattern, "   ")
    assert schemas["TokenRequest"]["properties"]["password"]["pattern"] == "\\S"
    assert schemas["TokenRequest"]["properties"]["username"]["maxLength"] == 150


@pytest.mark.parametrize(
    ("schema", "field", "multiline"),
    [
        ("ReasonInput", "reason", True),
        ("ConflictInput", "conflict_note", True),
        ("AssignInput", "reviewer", False),
        ("ApplicationInput", "experience", True),
        ("DeclineInput", "reason", True),
        ("RoundInput", "cohort_label", False),
    ],
)
def test_user_text_documents_the_text_rule_as_its_pattern(openapi, schema, field, multiline):
    pattern = openapi["components"]["schemas"][schema]["properties"][field]["pattern"]

    assert re.search(pattern, "A conflict: I mentor its lead — “since 2024”.")
    for forbidden in ("\x00", "\x01", "\x1b", "\x7f", "\x85", "\ufdd0", "\ufffe"):
        assert not re.search(pattern, f"before{forbidden}after"), repr(forbidden)
    assert bool(re.search(pattern, "one\ntwo\tthree")) is multiline


def test_text_the_pattern_refuses_the_api_refuses_naming_the_field(openapi, as_user, provider):
    programme = make_programme(provider, status="in-review")
    review = make_review(programme, make_user(role=Role.REVIEWER), state=ReviewState.IN_PROGRESS)
    pattern = openapi["components"]["schemas"]["ReasonInput"]["properties"]["reason"]["pattern"]
    reason = "Moved\x9bon."
    assert not re.search(pattern, reason)

    response = as_user(make_user(role=Role.CONVENOR)).post(
        f"/api/v1/reviews/{review.pk}/withdraw/", {"reason": reason}, format="json"
    )

    assert response.status_code == 400 and list(response.json()["errors"]) == ["reason"]


def test_a_band_rank_past_the_worst_band_is_documented_and_means_the_worst_band(openapi, anonymous, provider):
    parameter = query_parameters(operation(openapi, "/api/v1/programmes/"))["min_band"]
    assert [bool(re.search(parameter["pattern"], rank)) for rank in ("", "1", "9", "0", "01", "x")] == [
        True, True, True, False, False, False
    ]  # fmt: skip
    worst = max(band.rank for band in live_framework().bands.all())
    rated = make_programme(provider, slug="rated-worst")
    ProgrammeRating.objects.create(
        programme=rated, framework=live_framework(), review_count=2, raw_mean=1.0, shown_score=1.0,
        band="Limited", band_rank=worst, computed_at=timezone.now(),
    )  # fmt: skip

    past = anonymous.get("/api/v1/programmes/", {"min_band": str(worst + 5)})
    at_worst = anonymous.get("/api/v1/programmes/", {"min_band": str(worst)})

    assert past.status_code == 200
    assert (
        [p["slug"] for p in past.json()["results"]]
        == [p["slug"] for p in at_worst.json()["results"]]
        == ["rated-worst"]
    )
    assert anonymous.get("/api/v1/programmes/", {"min_band": "0"}).json()["errors"].keys() == {"min_band"}


def test_an_unknown_framework_version_in_the_summaries_is_a_404_and_a_malformed_one_a_400(openapi, as_user):
    assert "framework" in operation(openapi, "/api/v1/summaries/")["responses"]["404"]["description"]
    convenor = as_user(make_user(role=Role.CONVENOR))
    unknown = live_framework().pk + 1000

    assert convenor.get("/api/v1/summaries/", {"framework": str(unknown)}).status_code == 404
    assert convenor.get("/api/v1/summaries/", {"framework": "abc"}).status_code == 400
    assert convenor.get("/api/v1/summaries/", {"framework": str(live_framework().pk)}).status_code == 200


def test_summary_dates_are_documented_as_dates_and_an_end_before_the_start_as_a_400(openapi, as_user):
    op = operation(openapi, "/api/v1/summaries/")
    assert query_parameters(op)["reviewed_from"]["anyOf"][0] == {"type": "string", "format": "date"}
    assert "`reviewed_to` is before `reviewed_from`" in op["responses"]["400"]["description"]
    convenor = as_user(make_user(role=Role.CONVENOR))

    response = convenor.get("/api/v1/summaries/", {"reviewed_from": "2026-03-01", "reviewed_to": "2026-02-01"})

    assert response.status_code == 400 and list(response.json()["errors"]) == ["reviewed_to"]
    assert convenor.get("/api/v1/summaries/", {"reviewed_from": "2026-03-01", "reviewed_to": ""}).status_code == 200


def test_the_export_filters_are_documented_name_by_name_and_nothing_else_is_taken(openapi, as_user):
    filters = openapi["components"]["schemas"]["ExportStart"]["properties"]["filters"]
    assert filters["additionalProperties"] is False
    assert filters["properties"]["region"]["items"]["enum"][0] == "north-east"
    assert filters["properties"]["framework"]["maxItems"] == 1
    convenor = as_user(make_user(role=Role.CONVENOR))

    def start(filters):
        return convenor.post("/api/v1/exports/", {"format": "csv", "filters": filters}, format="json")

    assert start({"colour": ["red"]}).json()["errors"] == {"filters": ["Unknown filter: colour."]}
    assert list(start({"reviewed_from": ["2026-01-01", "2026-02-01"]}).json()["errors"]) == ["filters.reviewed_from"]
    assert start({"region": ["london"], "reviewed_from": ["2026-01-01"]}).status_code == 202
    assert start({"reviewed_to": [""]}).status_code == 202  # empty for none, as the schema allows


def test_an_empty_idempotency_key_is_refused_as_the_schema_says(openapi, as_user):
    parameters = {p["name"]: p for p in operation(openapi, "/api/v1/exports/", "post")["parameters"]}
    assert not re.search(parameters["Idempotency-Key"]["schema"]["pattern"], "")

    response = as_user(make_user(role=Role.CONVENOR)).post(
        "/api/v1/exports/", {"format": "csv"}, format="json", headers={"Idempotency-Key": ""}
    )

    assert response.status_code == 400 and list(response.json()["errors"]) == ["Idempotency-Key"]


def test_a_cost_bound_between_two_pence_is_rounded_inward_alike_in_the_api_and_the_web(anonymous, provider):
    make_programme(provider, slug="costs-100", cost_per_participant=Decimal("100.00"))
    make_programme(provider, slug="costs-101", cost_per_participant=Decimal("100.01"))

    def found(params):
        api = [p["slug"] for p in anonymous.get("/api/v1/programmes/", params).json()["results"]]
        web = [p.slug for p in Client().get("/programmes/", params).context["directory"].page.object_list]
        assert sorted(api) == sorted(web)
        return set(api)

    assert found({"max_cost": "100.009"}) == {"costs-100"}
    assert found({"min_cost": "100.001"}) == {"costs-101"}
    assert anonymous.get("/api/v1/programmes/", {"max_cost": "1000000"}).status_code == 400


def test_a_list_that_may_not_be_empty_is_documented_with_its_least_length(openapi):
    schemas = openapi["components"]["schemas"]
    assert schemas["ApplicationInput"]["properties"]["phases"]["minItems"] == 1
    assert schemas["AssignmentsInput"]["properties"]["assignments"]["minItems"] == 1


def test_the_valid_data_a_schema_cannot_rule_out_is_documented_on_its_400(openapi):
    operations = [("/api/v1/programmes/", "get"), ("/api/v1/exports/", "post"), ("/api/v1/pool/suggestions/", "post")]
    for path, method in operations:
        assert "Also when" in operation(openapi, path, method)["responses"]["400"]["description"]


def test_the_idempotency_key_must_be_a_uuid_as_documented(openapi, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    parameters = {p["name"]: p for p in operation(openapi, "/api/v1/exports/", "post")["parameters"]}
    schema = parameters["Idempotency-Key"]["schema"]
    assert schema["format"] == "uuid" and re.search(schema["pattern"], str(uuid.uuid4()).upper())
    convenor = as_user(make_user(role=Role.CONVENOR))
    squashed = uuid.uuid4().hex  # a UUID without its hyphens is not the documented format
    assert not re.search(schema["pattern"], squashed)
    response = convenor.post(
        "/api/v1/exports/", {"format": "csv"}, format="json", headers={"Idempotency-Key": squashed}
    )
    assert response.status_code == 400


def test_writes_document_the_request_size_refusal(openapi):
    assert "413" in operation(openapi, "/api/v1/exports/", "post")["responses"]


def test_text_fields_take_text_only_as_the_schema_says(as_user):
    reviewer = as_user(make_user(role=Role.REVIEWER))
    body = {"current_role": "Deputy head", "experience": "Ran CPD.", "phases": ["primary"], "focus_levels": ["teacher"]}

    response = reviewer.post("/api/v1/pool/applications/", {**body, "organisations": 0}, format="json")

    assert response.status_code == 400 and response.json()["errors"] == {"organisations": ["Not a valid string."]}


def test_an_export_repeated_with_its_key_and_bad_filters_is_refused_not_answered_with_the_first_job(as_user):
    convenor = as_user(make_user(role=Role.CONVENOR))
    key = {"Idempotency-Key": str(uuid.uuid4())}
    assert convenor.post("/api/v1/exports/", {"format": "csv"}, format="json", headers=key).status_code == 202

    again = convenor.post(
        "/api/v1/exports/", {"format": "csv", "filters": {"reviewed_to": ["AAA"]}}, format="json", headers=key
    )

    assert again.status_code == 400 and list(again.json()["errors"]) == ["reviewed_to"]
