"""The rough edges a first-time user hits: titles, error pages, pagination, footer pages, sign-in, e-mails."""

import re

import pytest
from django.core import mail
from django.urls import path

import qaportal.urls
from programmes.vocabulary import ProgrammeStatus
from qaportal.roles import Role
from reviews.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def test_every_page_title_names_the_page_then_the_service_with_a_separator(client, catalogue):
    assert title_of(client.get("/programmes/")) == "Find a programme – LPD/CPD Quality Register"
    assert title_of(client.get("/how-ratings-work/")).endswith(" – LPD/CPD Quality Register")


def test_a_missing_page_is_in_the_service_layout(client, db):
    response = client.get("/programmes/no-such-thing/")
    assert response.status_code == 404
    assert "Page not found – LPD/CPD Quality Register" in title_of(response)
    assert "Find a programme" in response.content.decode() or "find a programme" in response.content.decode()


def broken_view(request):
    raise RuntimeError("secret-internal-detail from a broken view")


# The project's own pages and error handlers, plus one view that fails, to reach the real 500 handler.
urlpatterns = [path("broken/", broken_view), *qaportal.urls.urlpatterns]
handler500 = getattr(qaportal.urls, "handler500", "django.views.defaults.server_error")


def test_a_failing_page_is_in_the_service_layout_with_no_stack_trace(client, settings, db):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/broken/")
    page = response.content.decode()
    assert response.status_code == 500
    assert title_of(response) == "Sorry, there is a problem with the service – LPD/CPD Quality Register"
    assert re.search(r'service-name">\s*<a href="/"[^>]*>LPD/CPD Quality Register</a>', page)  # the header
    assert "Accessibility statement" in page and 'href="/status/"' in page  # the footer and a way on
    assert "secret-internal-detail" not in page and "Traceback" not in page and "RuntimeError" not in page


def test_the_navigation_leads_a_visitor_to_how_ratings_work(client, db):
    page = client.get("/").content.decode()
    navigation = re.search(r'<nav aria-label="Menu".*?</nav>', page, re.S).group(0)
    assert re.search(r'href="/how-ratings-work/"[^>]*>How ratings work</a>', navigation)


def test_a_refused_role_sees_a_helpful_page_with_their_own_work(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/convenor/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "You cannot see this page" in page and "This page is for convenors." in page
    assert "You are signed in as reviewer-rob" in page and 'href="/reviewer/"' in page


def test_signing_in_lands_on_the_persons_own_work(client, reviewer):
    response = client.post("/accounts/login/", {"username": "reviewer-rob", "password": "pw-for-tests-1"}, follow=True)
    assert response.redirect_chain[-1][0] == "/reviewer/"


def test_the_footer_links_to_the_statements_ratings_and_a_human_status_page(client, db):
    page = client.get("/").content.decode()
    for href in ("/how-ratings-work/", "/accessibility/", "/privacy/", "/cookies/", "/status/"):
        assert f'href="{href}"' in page, href
        assert client.get(href).status_code == 200, href
    status = client.get("/status/").content.decode()
    assert "The register is working normally" in status
    assert client.get("/healthz").json()["status"] == "ok"


def test_lists_use_numbered_pagination(client, catalogue):
    page = client.get("/programmes/?per_page=20").content.decode()
    assert "govuk-pagination" not in page  # six programmes: one page
    for number in range(30):
        factories.make_programme(catalogue.trust, title=f"Extra programme {number:02d}")
    page = client.get("/programmes/?per_page=20&page=2").content.decode()
    assert 'aria-label="Page 1"' in page and 'aria-current="page"' in page


def test_facet_counts_agree_with_their_noun_and_free_only_has_a_legend(client, catalogue):
    page = client.get("/programmes/").content.decode()
    assert '(1<span class="govuk-visually-hidden"> programme</span>)' in page
    assert '(1<span class="govuk-visually-hidden"> programmes</span>)' not in page
    assert re.search(r"<legend[^>]*>Cost</legend>.*?Free only", page, re.S)


def test_providers_are_emailed_when_their_programme_is_submitted_and_withdrawn(
    client, provider_editor, draft_programme, settings
):
    settings.SITE_URL = "https://register.example.org"
    client.force_login(provider_editor)
    client.post(f"/provider/programmes/{draft_programme.slug}/submit/")
    client.post(f"/provider/programmes/{draft_programme.slug}/withdraw/", {"reason": "No longer run."})
    kinds = sorted(Notification.objects.filter(programme=draft_programme).values_list("kind", flat=True))
    assert kinds == ["submitted", "withdrawn"]
    from reviews.notifications import compose

    for notification in Notification.objects.filter(programme=draft_programme):
        _subject, body, recipients = compose(notification)
        assert recipients == ["editor-ann@example.org"]
        assert f"https://register.example.org/provider/programmes/{draft_programme.slug}/" in body


def test_password_reset_links_start_with_site_url(client, settings, db):
    settings.SITE_URL = "https://register.example.org"
    factories.make_user("editor-ed", role=Role.PROVIDER_EDITOR)
    client.post("/accounts/password_reset/", {"email": "editor-ed@example.org"})
    assert "https://register.example.org/accounts/reset/" in mail.outbox[0].body
    assert "testserver" not in mail.outbox[0].body


def test_the_programme_status_is_unchanged_by_a_refused_edit(client, provider_editor, submitted_programme):
    client.force_login(provider_editor)
    client.post(f"/provider/programmes/{submitted_programme.slug}/edit/", {"title": "Sneaky"})
    submitted_programme.refresh_from_db()
    assert (submitted_programme.status, submitted_programme.title) == (ProgrammeStatus.SUBMITTED, "Coaching for Heads")
