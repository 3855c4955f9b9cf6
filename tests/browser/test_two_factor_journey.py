"""A convenor sets up two-factor authentication in Chromium, with and without JavaScript."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests.browser.conftest import axe_violations, sign_in
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_from_key(key_text: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key as the page writes it."""
    key = key_text.replace(" ", "")
    totp = TOTP(b32decode(key + "=" * (-len(key) % 8)))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


@pytest.mark.parametrize("page_kind", ["page", "no_js_page"])
def test_a_convenor_enrols_with_the_key_as_text_and_gets_recovery_codes(request, page_kind, settings):
    settings.TWO_FACTOR_REQUIRED = True
    page = request.getfixturevalue(page_kind)
    make_user("convenor-bea", role="convenor")

    sign_in(page, "convenor-bea")
    page.goto("/convenor/")
    assert page.get_by_role("heading", name="Set up two-factor authentication").is_visible()
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    if page_kind == "page":
        assert axe_violations(page) == []
    key = page.locator("#two-factor-secret").inner_text()

    page.get_by_label("Security code", exact=True).fill("000000")
    page.get_by_role("button", name="Confirm").click()
    assert page.locator(".govuk-error-summary").get_by_text("That code is not right").is_visible()
    time.sleep(1.1)

    page.get_by_label("Security code", exact=True).fill(code_from_key(key))
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("heading", name="Two-factor authentication is set up").is_visible()
    assert page.locator("#recovery-codes li").count() == 10
    if page_kind == "page":
        assert axe_violations(page) == []
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/convenor/")
