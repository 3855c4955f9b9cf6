"""Junk that used to answer 500 now gets a clear 4xx (or, for a junk ``next``, the page it falls back to)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db

LONG_USERNAME = "u" * 256


@pytest.fixture
def published(provider):
    return factories.make_programme(provider)


@pytest.mark.parametrize("junk", ["foo", "javascript:alert(1)", "//evil.example/", "https://evil.example/", ""])
@pytest.mark.parametrize("action", ["add", "remove"])
def test_compare_with_a_junk_next_falls_back_to_the_compare_page(client, published, action, junk):
    response = client.post(f"/programmes/compare/{action}/", {"programme": published.id, "next": junk})

    assert response.status_code == 302 and response["Location"] == "/programmes/compare/"


def test_compare_with_a_next_on_this_site_goes_back_there(client, published):
    response = client.post("/programmes/compare/add/", {"programme": published.id, "next": "/programmes/?q=maths"})
    assert response["Location"] == "/programmes/?q=maths"


def test_a_256_character_username_on_the_sign_in_page_is_a_form_error(client):
    response = client.post("/accounts/login/", {"username": LONG_USERNAME, "password": "whatever"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value" not in page  # Django's default names no field
    assert page.count("Enter a username of 150 characters or fewer (it has 256)") == 2  # summary and beside it
    assert 'href="#id_username"' in page  # the summary leads to the field
    assert LONG_USERNAME in page  # what they typed is kept


def test_a_256_character_username_on_the_token_endpoint_is_a_json_400():
    response = APIClient().post("/api/v1/auth/token/", {"username": LONG_USERNAME, "password": "x"}, format="json")

    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert set(response.json()["errors"]) == {"username"}


def test_json_nested_100000_levels_is_a_400_from_the_parser(reviewer):
    body = "[" * 100_000 + "]" * 100_000

    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")

    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def upload(client, convenor, content: bytes):
    client.force_login(convenor)
    return client.post("/convenor/assignments/upload/", {"file": SimpleUploadedFile("a.csv", content, "text/csv")})


def test_an_assignment_csv_with_a_nul_byte_is_refused_beside_the_field(client, convenor):
    response = upload(client, convenor, b"programme,reviewer\nmaths\x00,reviewer-rob\n")

    assert response.status_code == 200
    assert "The file must not contain control characters (line 2)" in response.content.decode()


def test_an_assignment_csv_with_a_field_over_131072_characters_is_refused_beside_the_field(client, convenor):
    response = upload(client, convenor, b"programme,reviewer\n" + b"x" * 131_073 + b",reviewer-rob\n")

    assert response.status_code == 200
    assert "Line 2 has a value longer than" in response.content.decode()


def test_an_assignment_csv_with_an_unclosed_quote_is_read_not_a_500(client, convenor):
    response = upload(client, convenor, b'programme,reviewer\n"maths,reviewer-rob\n')
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/programmes/?q=%00",
        "/programmes/?provider=%00",
        "/programmes/export.csv?q=%00",
        "/providers/?q=%00",
        "/api/v1/programmes/?q=%00",
        "/api/v1/providers/?q=%00",
        "/api/v1/programmes/?search=%00&provider=%00",
    ],
)
def test_a_nul_byte_in_a_query_is_never_a_500(client, published, url):
    assert client.get(url).status_code < 500


def test_a_token_delete_with_a_junk_body_is_not_a_500(reviewer):
    token_client = APIClient()
    token_client.force_authenticate(reviewer)
    response = token_client.delete("/api/v1/auth/token/", json.dumps({"x": "\x00"}), content_type="application/json")
    assert response.status_code == 204
