"""Signing in and out, resetting a password, and the lock-out page, in the register's own style."""

import re

import pytest

from qaportal.navigation import role_links

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_signs_a_reviewer_in_and_shows_their_pages(client, reviewer):
    page = client.get("/accounts/login/").content.decode()
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in page and "csrfmiddlewaretoken" in page
    response = client.post(
        "/accounts/login/", {"username": "reviewer-rob", "password": "pw-for-tests-1", "next": "/reviewer/"}
    )
    assert response["Location"] == "/reviewer/"
    assert "My assignments" in client.get("/reviewer/").content.decode()


def test_a_wrong_password_is_explained_and_the_username_kept(client, reviewer):
    html = client.post("/accounts/login/", {"username": "reviewer-rob", "password": "wrong"}).content.decode()
    assert "There is a problem" in html and "Please enter a correct username and password" in html
    assert 'value="reviewer-rob"' in html


def test_too_many_failures_show_the_lock_out_page(client, reviewer):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "reviewer-rob", "password": "wrong"})
    html = client.post("/accounts/login/", {"username": "reviewer-rob", "password": "pw-for-tests-1"}).content
    assert b"Sign-in locked for 15 minutes" in html


def test_a_password_reset_sends_a_link_that_sets_a_new_password(client, reviewer, mailoutbox):
    client.post("/accounts/password_reset/", {"email": "reviewer-rob@example.org"})
    assert mailoutbox[0].subject == "Reset your password on the LPD/CPD Quality Register"
    from django.conf import settings

    link = re.search(re.escape(settings.SITE_URL.rstrip("/")) + r"(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    assert "Choose a new password" in client.get(form_url).content.decode()
    client.post(form_url, {"new_password1": "a-new-long-passphrase-9", "new_password2": "a-new-long-passphrase-9"})
    signed_in = client.post("/accounts/login/", {"username": "reviewer-rob", "password": "a-new-long-passphrase-9"})
    assert signed_in.status_code == 302


def test_signing_out_is_a_post_and_returns_home(client, reviewer):
    client.force_login(reviewer)
    assert client.post("/accounts/logout/")["Location"] == "/"
    assert client.get("/reviewer/").status_code == 302


def test_each_role_gets_its_navigation(convenor, reviewer, provider_editor):
    assert [link.label for link in role_links(convenor)][:2] == ["Review queue", "Upload assignments"]
    assert [link.label for link in role_links(reviewer)] == ["My assignments", "Affiliations", "Calibration"]
    assert [link.label for link in role_links(provider_editor)] == ["Your programmes", "Concerns", "Enquiries"]
