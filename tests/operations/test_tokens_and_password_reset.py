"""API tokens expire and are revoked when the password changes or is reset; password reset is
rate-limited per address and per account, and the page says the same thing either way."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_account(db):
    return make_user("reviewer-rhea", role="reviewer")


def issued_token(client) -> str:
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "reviewer-rhea", "password": "pw-for-tests-1"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def api_status(client, token: str) -> int:
    return client.get("/api/v1/assignments/", HTTP_AUTHORIZATION=f"Token {token}").status_code


def test_a_token_stops_working_after_its_lifetime(client, reviewer_account, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 30
    token = issued_token(client)
    assert api_status(client, token) == 200
    Token.objects.filter(key=token).update(created=timezone.now() - timedelta(days=31))

    response = client.get("/api/v1/assignments/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert issued_token(client) != token  # a new one is issued


def test_changing_the_password_revokes_the_token(client, reviewer_account):
    token = issued_token(client)
    client.force_login(reviewer_account)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "pw-for-tests-1",
            "new_password1": "a-new-long-passphrase-9",
            "new_password2": "a-new-long-passphrase-9",
        },
    )
    assert response.status_code == 302
    assert api_status(client, token) == 401


def test_a_password_reset_revokes_the_token(client, reviewer_account, mailoutbox, settings):
    token = issued_token(client)
    client.post("/accounts/password_reset/", {"email": "reviewer-rhea@example.org"})
    # The reset link starts with SITE_URL, not the host the request used.
    link = re.search(re.escape(settings.SITE_URL.rstrip("/")) + r"(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": "a-new-long-passphrase-9", "new_password2": "a-new-long-passphrase-9"})
    assert api_status(client, token) == 401


def test_saving_the_user_without_a_new_password_keeps_the_token(client, reviewer_account):
    token = issued_token(client)
    reviewer_account.first_name = "Rhea"
    reviewer_account.save()
    assert api_status(client, token) == 200


def test_password_reset_is_limited_per_account_and_the_page_says_the_same(
    client, reviewer_account, mailoutbox, settings
):
    cache.clear()
    settings.PASSWORD_RESET_PER_ACCOUNT_PER_HOUR = 3
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 100
    pages = []
    for number in range(15):
        response = client.post(
            "/accounts/password_reset/", {"email": "reviewer-rhea@example.org"}, REMOTE_ADDR=f"198.51.100.{number}"
        )
        pages.append(response["Location"])
    assert len(mailoutbox) == 3
    assert set(pages) == {"/accounts/password_reset/done/"}


def test_password_reset_is_limited_per_address(client, mailoutbox, settings):
    cache.clear()
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 5
    for number in range(8):
        make_user(f"someone-{number}")
        client.post("/accounts/password_reset/", {"email": f"someone-{number}@example.org"})
    assert len(mailoutbox) == 5
