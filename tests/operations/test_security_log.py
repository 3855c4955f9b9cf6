"""Security events are JSON lines on the ``security`` logger, with the client address from the
trusted-proxy rule and the user, and never a password, a token or a code."""

import json
import logging
import time

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_user
from tests.operations.test_two_factor import code_for

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def events(caplog, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    caplog.set_level(logging.INFO, logger="security")

    def read() -> list[dict]:
        return [json.loads(record.getMessage()) for record in caplog.records if record.name == "security"]

    read.text = lambda: "\n".join(record.getMessage() for record in caplog.records if record.name == "security")
    return read


def post_sign_in(client, username, password, address="203.0.113.5"):
    return client.post("/accounts/login/", {"username": username, "password": password}, HTTP_X_FORWARDED_FOR=address)


def test_sign_in_success_and_failure_with_the_real_client_address(client, events):
    user = make_user("reviewer-lee", role="reviewer")
    post_sign_in(client, "reviewer-lee", "not-the-password")
    post_sign_in(client, "reviewer-lee", PASSWORD)

    failed, succeeded = [event for event in events() if event["event"].startswith("signin.")]
    assert failed == failed | {
        "event": "signin.failed",
        "username": "reviewer-lee",
        "client": "203.0.113.5",
        "user_id": None,
    }
    assert (succeeded["event"], succeeded["user_id"], succeeded["client"]) == (
        "signin.succeeded",
        user.id,
        "203.0.113.5",
    )
    assert "not-the-password" not in events.text() and PASSWORD not in events.text()


def test_a_lock_out_is_an_event(client, events):
    make_user("reviewer-lou", role="reviewer")
    for _ in range(6):
        post_sign_in(client, "reviewer-lou", "wrong")
    locked = [event for event in events() if event["event"] == "signin.locked_out"]
    assert locked and locked[0]["username"] == "reviewer-lou" and locked[0]["client"] == "203.0.113.5"


def test_a_refused_page_is_an_event(client, events):
    user = make_user("editor-eve", role="provider-editor")
    client.force_login(user)
    response = client.get("/convenor/", HTTP_X_FORWARDED_FOR="198.51.100.3")
    assert response.status_code == 403
    refused = [event for event in events() if event["event"] == "permission.refused"]
    assert refused == [
        refused[0] | {"path": "/convenor/", "user_id": user.id, "client": "198.51.100.3", "method": "GET"}
    ]


def test_tokens_issued_and_revoked_are_events_without_the_token(client, events):
    make_user("reviewer-tia", role="reviewer")
    token = client.post(
        "/api/v1/auth/token/", {"username": "reviewer-tia", "password": PASSWORD}, content_type="application/json"
    ).json()["token"]
    client.delete("/api/v1/auth/token/", HTTP_AUTHORIZATION=f"Token {token}")
    kinds = [event["event"] for event in events()]
    assert "token.issued" in kinds and "token.revoked" in kinds
    assert token not in events.text()


def test_two_factor_enrolment_and_failure_are_events_without_the_codes(client, events, settings):
    settings.TWO_FACTOR_REQUIRED = True
    make_user("convenor-cy", role="convenor")
    post_sign_in(client, "convenor-cy", PASSWORD)
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get()
    client.post("/accounts/two-factor/", {"code": "999999"})
    time.sleep(1.1)
    good = code_for(device)
    client.post("/accounts/two-factor/", {"code": good})
    kinds = [event["event"] for event in events()]
    assert "two_factor.failed" in kinds and "two_factor.enrolled" in kinds
    assert good not in events.text() and "999999" not in events.text()


def test_a_secret_cannot_be_logged_by_mistake():
    from qaportal.security_log import security_event

    with pytest.raises(ValueError):
        security_event("oops", password="hunter2")
