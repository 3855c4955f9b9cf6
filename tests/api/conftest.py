"""Clients for the API tests: anonymous, and one signed in with a token per named user."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fresh_throttle_counts(db):
    """The anonymous throttle counts requests in the cache; every test starts with none counted."""
    cache.clear()


@pytest.fixture(autouse=True)
def exports_in_a_temporary_folder(settings, tmp_path):
    # Export files built by these tests go where pytest cleans up, not into the data folder.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def anonymous():
    return APIClient()


def token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def as_user():
    """``as_user(user)``: an API client that sends that user's token."""
    return token_client
