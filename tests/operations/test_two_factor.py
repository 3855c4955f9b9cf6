"""Two-factor authentication for convenors and staff: the enrolment journey, the verification step
after the password, recovery codes, enforcement for their pages, the admin and the API's tokens."""

import re
import subprocess
import sys
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_user
from tests.foundation.test_settings_profiles import CLEAN_ENV, ROOT

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True


@pytest.fixture
def convenor_account(db):
    return make_user("convenor-tess", role="convenor")


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def password_sign_in(client, username="convenor-tess"):
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def enrol(client) -> tuple[TOTPDevice, list[str]]:
    page = client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post("/accounts/two-factor/", {"code": code_for(device)})
    codes = re.findall(r"<li><code>([0-9a-f]{4}-[0-9a-f]{4})</code></li>", response.content.decode())
    assert page.status_code == 200 and response.status_code == 200
    return device, codes


def test_a_convenor_who_has_not_enrolled_is_sent_to_set_it_up_from_any_page(client, convenor_account):
    password_sign_in(client)
    for path in ("/convenor/", "/convenor/summaries/", "/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/two-factor/?next=")


def test_the_enrolment_journey(client, convenor_account):
    password_sign_in(client)
    page = client.get("/accounts/two-factor/?next=/convenor/").content.decode()
    device = TOTPDevice.objects.get(user=convenor_account, confirmed=False)
    assert "<svg" in page and "QR code for your authenticator app" in page
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page).group(1)
    assert len(secret.replace(" ", "")) == 32  # the key as text, for anyone who cannot scan

    wrong = client.post("/accounts/two-factor/", {"code": "000000", "next": "/convenor/"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    assert 'id="id_code"' in wrong.content.decode() and "There is a problem" in wrong.content.decode()
    too_soon = client.post("/accounts/two-factor/", {"code": code_for(device), "next": "/convenor/"})
    assert "too many wrong codes" in too_soon.content.decode()
    time.sleep(2.1)  # django-otp doubles the wait after each wrong code: 1 s, then 2 s

    done = client.post("/accounts/two-factor/", {"code": code_for(device), "next": "/convenor/"}).content.decode()
    codes = re.findall(r"<li><code>([0-9a-f]{4}-[0-9a-f]{4})</code></li>", done)
    assert len(codes) == 10 and "We show these codes only once" in done
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/convenor/").status_code == 200  # verified in this session by the enrolment


def test_after_the_password_a_code_is_asked_for_and_then_the_page_opens(client, convenor_account):
    password_sign_in(client)
    device, _ = enrol(client)
    client.post("/accounts/logout/")

    password_sign_in(client)
    asked = client.get("/convenor/")
    assert asked["Location"] == "/accounts/two-factor/verify/?next=%2Fconvenor%2F"
    assert client.post("/accounts/two-factor/verify/?next=/convenor/", {"code": "123456"}).status_code == 400
    time.sleep(1.1)
    verified = client.post("/accounts/two-factor/verify/", {"code": code_for(device, 1), "next": "/convenor/"})
    assert verified["Location"] == "/convenor/"
    assert client.get("/convenor/").status_code == 200


def test_a_recovery_code_works_once(client, convenor_account):
    password_sign_in(client)
    _, codes = enrol(client)
    client.post("/accounts/logout/")

    password_sign_in(client)
    assert client.post("/accounts/two-factor/verify/", {"code": codes[0], "next": "/convenor/"}).status_code == 302
    client.post("/accounts/logout/")
    password_sign_in(client)
    assert client.post("/accounts/two-factor/verify/", {"code": codes[0]}).status_code == 400


def test_the_next_address_cannot_send_a_convenor_elsewhere(client, convenor_account):
    password_sign_in(client)
    device, _ = enrol(client)
    client.post("/accounts/logout/")
    password_sign_in(client)
    response = client.post(
        "/accounts/two-factor/verify/", {"code": code_for(device, 1), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_reviewers_and_editors_are_not_asked(client):
    make_user("reviewer-ray", role="reviewer")
    password_sign_in(client, "reviewer-ray")
    assert client.get("/reviewer/").status_code == 200


def test_staff_must_use_it_for_the_admin(client):
    make_user("staff-sam", is_staff=True, is_superuser=True)
    password_sign_in(client, "staff-sam")
    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/")


def test_the_api_refuses_a_session_that_has_not_verified(client, convenor_account):
    password_sign_in(client)
    response = client.get("/api/v1/moderation/")
    assert response.status_code == 403 and response.json()["code"] == "two_factor_required"


def test_a_convenors_api_token_needs_a_current_code(client, convenor_account):
    def ask(**extra):
        return client.post(
            "/api/v1/auth/token/",
            {"username": "convenor-tess", "password": PASSWORD, **extra},
            content_type="application/json",
        )

    assert ask().status_code == 403  # not set up yet
    password_sign_in(client)
    device, _ = enrol(client)
    client.post("/accounts/logout/")
    refused = ask()
    assert refused.status_code == 401 and "otp" in refused.json()["errors"]
    assert ask(otp="000000").status_code == 401
    time.sleep(2.1)
    assert ask(otp=code_for(device, 1)).status_code == 200


def test_production_turns_it_on_and_development_does_not():
    code = "import django; from django.conf import settings; django.setup(); print(settings.TWO_FACTOR_REQUIRED)"
    base = {
        **CLEAN_ENV,
        "DJANGO_SETTINGS_MODULE": "qaportal.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    }
    production = {**base, "DJANGO_ENV": "production", "SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "register.example"}
    results = [
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        for env in (production, base)
    ]
    assert [result.stdout.strip() for result in results] == ["True", "False"], [r.stderr[-500:] for r in results]
