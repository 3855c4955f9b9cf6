"""Lock-out cannot be used to deny a user: it keys on username + the real client address, and the
per-username ceiling slows the addresses that keep failing rather than locking the account."""

import pytest
from axes.models import AccessAttempt

from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def convenor_account(db):
    return make_user("convenor-cleo", role="convenor")


def sign_in(client, password, address, username="convenor-cleo"):
    return client.post("/accounts/login/", {"username": username, "password": password}, HTTP_X_FORWARDED_FOR=address)


def test_behind_the_proxy_an_attackers_failures_do_not_lock_the_owner_out(client, convenor_account, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(6):
        sign_in(client, "wrong", "203.0.113.66")
    assert b"Sign-in locked" in sign_in(client, PASSWORD, "203.0.113.66").content  # the attacker's address

    owner = sign_in(client, PASSWORD, "198.51.100.20")
    assert owner.status_code == 302


def test_failures_record_the_real_client_address_not_the_proxys(client, convenor_account, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    sign_in(client, "wrong", "6.6.6.6, 203.0.113.66")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.66"]


def test_past_the_ceiling_an_address_that_keeps_failing_must_wait_but_a_fresh_one_need_not(
    client, convenor_account, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SIGNIN_USERNAME_CEILING = 4
    for number in range(5):  # five addresses, one failure each: the ceiling is passed
        sign_in(client, "wrong", f"203.0.113.{number}")

    slowed = sign_in(client, PASSWORD, "203.0.113.0")  # even with the right password: not checked
    assert slowed.status_code == 200
    assert "Wait 2 seconds and try again" in slowed.content.decode()

    owner = sign_in(client, PASSWORD, "198.51.100.20")
    assert owner.status_code == 302


def test_the_wait_grows_with_the_failures_and_is_capped(convenor_account, settings):
    from django.utils import timezone

    from qaportal.signin_guard import wait_seconds

    settings.SIGNIN_USERNAME_CEILING = 2
    settings.SIGNIN_SLOWDOWN_MAX_SECONDS = 30
    now = timezone.now()
    AccessAttempt.objects.create(
        username="convenor-cleo", ip_address="203.0.113.9", failures_since_start=4, attempt_time=now, user_agent="t",
        get_data="", post_data="", http_accept="", path_info="/accounts/login/",
    )  # fmt: skip
    assert wait_seconds(username="convenor-cleo", address="203.0.113.9", now=now) == 4
    AccessAttempt.objects.update(failures_since_start=20)
    assert wait_seconds(username="convenor-cleo", address="203.0.113.9", now=now) == 30
    assert wait_seconds(username="convenor-cleo", address="198.51.100.20", now=now) == 0


def test_the_api_token_exchange_is_slowed_the_same_way(client, convenor_account, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SIGNIN_USERNAME_CEILING = 2
    for number in range(3):
        sign_in(client, "wrong", f"203.0.113.{number}")
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "convenor-cleo", "password": PASSWORD},
        content_type="application/json",
        HTTP_X_FORWARDED_FOR="203.0.113.0",
    )
    assert response.status_code == 429
    assert "Wait" in response.json()["detail"]
