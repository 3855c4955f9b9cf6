"""The API as a whole: one error shape, token and session sign-in, throttling, the schema, the docs."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from tests.factories import make_user

pytestmark = pytest.mark.django_db
ERROR_KEYS = {"status", "code", "detail", "errors"}


def test_an_unknown_api_address_is_a_json_404(anonymous):
    for method in ("get", "post", "delete"):
        response = getattr(anonymous, method)("/api/v1/no-such-thing/")
        assert response.status_code == 404
        assert response.json() == {
            "status": 404,
            "code": "not_found",
            "detail": "There is no API endpoint at this address.",
            "errors": {},
        }


def test_a_method_not_allowed_is_a_405_in_the_error_shape(anonymous):
    response = anonymous.delete("/api/v1/programmes/")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_malformed_json_is_a_400_in_the_error_shape(anonymous):
    response = anonymous.post("/api/v1/auth/token/", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == ERROR_KEYS


def test_a_body_that_is_not_json_is_a_415(anonymous):
    response = anonymous.post(
        "/api/v1/auth/token/", data="username=a", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_token_is_given_for_a_right_username_and_password(anonymous, reviewer):
    response = anonymous.post(
        "/api/v1/auth/token/", {"username": "reviewer-rob", "password": "pw-for-tests-1"}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=reviewer).key}


def test_a_wrong_password_gets_no_token_but_a_401_that_says_why(anonymous, reviewer):
    response = anonymous.post("/api/v1/auth/token/", {"username": "reviewer-rob", "password": "wrong"}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    body = response.json()
    assert body["code"] == "authentication_failed"
    assert body["errors"] == {"non_field_errors": ["Unable to log in with provided credentials."]}
    assert not Token.objects.exists()


def test_an_unknown_username_is_a_401_like_a_wrong_password(anonymous, reviewer):
    response = anonymous.post("/api/v1/auth/token/", {"username": "nobody-here", "password": "wrong"}, format="json")

    assert response.status_code == 401
    assert response.json()["detail"] == "Unable to log in with provided credentials."


def test_the_token_endpoint_documents_its_401(anonymous):
    schema = anonymous.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/json").json()
    responses = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]

    assert "do not match an account" in responses["401"]["description"]


def test_missing_credentials_are_400_with_an_error_beside_each_field(anonymous):
    response = anonymous.post("/api/v1/auth/token/", {}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"username", "password"}


def test_repeated_failures_lock_the_account_out_of_the_token_endpoint_too(anonymous, reviewer):
    for _ in range(5):
        anonymous.post("/api/v1/auth/token/", {"username": "reviewer-rob", "password": "wrong"}, format="json")

    response = anonymous.post(
        "/api/v1/auth/token/", {"username": "reviewer-rob", "password": "pw-for-tests-1"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "locked_out"
    assert not Token.objects.exists()
    assert AccessAttempt.objects.filter(username="reviewer-rob").exists()


def test_a_token_can_be_revoked_by_its_holder(as_user, reviewer):
    client = as_user(reviewer)

    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert not Token.objects.filter(user=reviewer).exists()
    assert client.get("/api/v1/programmes/").status_code == 401


def test_revoking_a_token_needs_one(anonymous):
    response = anonymous.delete("/api/v1/auth/token/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_bad_token_is_refused_with_401(anonymous):
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = anonymous.get("/api/v1/programmes/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_session_signed_in_client_must_send_the_csrf_token_on_writes(reviewer):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(reviewer)

    assert client.get("/api/v1/programmes/").status_code == 200
    refused = client.delete("/api/v1/auth/token/")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]


def test_anonymous_clients_are_throttled_with_retry_after(anonymous, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})

    statuses = [anonymous.get("/api/v1/framework/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused = anonymous.get("/api/v1/framework/")
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled"


def test_signed_in_clients_are_not_throttled_as_anonymous(as_user, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1/minute"})
    client = as_user(make_user())

    assert [client.get("/api/v1/framework/").status_code for _ in range(3)] == [200, 200, 200]


def test_the_schema_is_openapi_3_and_lists_the_v1_endpoints(anonymous):
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/programmes/", "/api/v1/framework/", "/api/v1/providers/"} <= set(schema["paths"])
    errors = schema["paths"]["/api/v1/programmes/"]["get"]["responses"]
    assert errors["404"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"


def test_the_docs_page_loads_swagger_ui_from_this_site_without_inline_script():
    client = Client()
    page = client.get("/api/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html and "<style>" not in html
    assert "script-src 'self'" in page["Content-Security-Policy"]
    init = client.get("/api/docs/?script=")
    assert init.status_code == 200 and "/api/schema/" in init.content.decode()
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"):
        response = client.get(f"/api/docs/assets/{asset}")
        assert response.status_code == 200
        assert b"".join(response.streaming_content)
    assert client.get("/api/docs/assets/..%2Fsettings.py").status_code == 404


def test_the_api_root_links_to_the_collections(anonymous):
    links = anonymous.get("/api/v1/").json()["links"]

    assert links["programme-list"].endswith("/api/v1/programmes/")
    assert links["schema"].endswith("/api/schema/")


def test_options_is_not_a_second_description_of_the_api(anonymous):
    response = anonymous.options("/api/v1/programmes/")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/reviews/99999999999999999999999999/",
        "/api/v1/reviews/0/portfolio/",
        "/api/v1/exports/00000000-0000-0000-0000-000000000000/",
        "/api/v1/programmes/%00/",
        "/api/v1/programmes/?page=%C2%B2",
        "/api/v1/programmes/?page=99999999999999999999",
        "/api/v1/providers/?page=-3",
        "/api/v1/programmes/?q=%00",
        "/api/v1/providers/?q=%00",
        "/api/v1/programmes/?min_cost=NaN",
        "/api/v1/programmes/?max_cost=Infinity",
        "/api/v1/programmes/?min_band=99999999999999999999",
    ],
)
def test_malformed_addresses_are_refused_cleanly_never_with_a_server_error(as_user, convenor, path):
    response = as_user(convenor).get(path)

    assert response.status_code in {400, 404}
    assert set(response.json()) == ERROR_KEYS


@pytest.mark.parametrize("header", ["Token abc\x00def", "Token " + "x" * 5000, "Token a b", "Bearer abc", "Token"])
def test_a_malformed_authorization_header_is_a_401(anonymous, header):
    response = anonymous.get("/api/v1/framework/", HTTP_AUTHORIZATION=header)

    assert response.status_code in {200, 401}
    if header.startswith("Token"):
        assert response.status_code == 401


def test_a_body_over_the_upload_limit_is_a_413_in_the_error_shape(anonymous):
    huge = '{"username": "' + "x" * 3_000_000 + '", "password": "x"}'

    response = anonymous.post("/api/v1/auth/token/", data=huge, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_too_many_query_parameters_are_a_400(anonymous):
    query = "&".join(f"p{number}=1" for number in range(1200))

    response = anonymous.get(f"/api/v1/programmes/?{query}")

    assert response.status_code == 400
    assert set(response.json()) == ERROR_KEYS
