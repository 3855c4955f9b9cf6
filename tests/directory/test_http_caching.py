"""Public pages carry a change-version ETag and may sit in a shared cache; a conditional request is
answered with 304 until something they show changes; nothing of a visitor's own is ever shared."""

import pytest
from django.contrib.auth.models import User

from programmes.facets import snapshots
from programmes.models import Programme
from programmes.vocabulary import ProgrammeStatus
from providers.models import Provider
from tests.directory.conftest import rate
from tests.factories import make_programme, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def reuse(settings):
    settings.DIRECTORY_SNAPSHOT_REUSE = True  # as in production: one snapshot, patched as things change
    snapshots.forget()
    yield
    snapshots.forget()


@pytest.fixture
def programme(db):
    programme = make_programme(make_provider(name="Northern Trust"), title="Coaching heads")
    rate(programme, 2, 3.1, 3)
    return programme


def public_urls(programme: Programme) -> list[str]:
    slug, provider = programme.slug, programme.provider.slug
    return ["/programmes/", "/programmes/?q=coaching&sort=best", f"/programmes/{slug}/", "/providers/",
            f"/providers/{provider}/", f"/programmes/{slug}/badge.svg", f"/providers/{provider}/badge.svg"]  # fmt: skip


def test_every_public_page_may_sit_in_a_shared_cache_with_a_validator(client, programme, reuse):
    for url in public_urls(programme):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["ETag"].startswith('"'), url
        assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"], url
        assert "Set-Cookie" not in response and not response.cookies, url  # no CSRF token or session to share


def test_pages_that_read_cookies_say_so_so_a_cache_keeps_one_copy_per_cookie(client, programme, reuse):
    assert "Cookie" in client.get("/programmes/")["Vary"]
    assert "Cookie" in client.get(f"/programmes/{programme.slug}/")["Vary"]


def test_an_unchanged_page_is_answered_304_without_rendering(client, programme, reuse, django_assert_max_num_queries):
    for url in public_urls(programme):
        etag = client.get(url)["ETag"]
        with django_assert_max_num_queries(1):  # the change version, nothing else
            again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"", url
        assert again["ETag"] == etag and not again.templates, url


def test_every_public_page_is_200_with_a_new_etag_after_a_change_it_shows(client, programme, reuse):
    etags = {url: client.get(url)["ETag"] for url in public_urls(programme)}
    programme.rating.__class__.objects.filter(programme=programme).update(band_rank=1, band="Exemplary")
    for url, etag in etags.items():
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200 and response["ETag"] != etag, url
    assert "Exemplary" in client.get(f"/programmes/{programme.slug}/").content.decode()


def test_a_new_programme_makes_the_directory_200_at_once_and_shows_it(client, programme, reuse):
    etag = client.get("/programmes/")["ETag"]
    newcomer = make_programme(programme.provider, title="Brand new course", status=ProgrammeStatus.IN_REVIEW)
    assert client.get("/programmes/", headers={"If-None-Match": etag}).status_code == 304  # not public yet
    Programme.objects.filter(pk=newcomer.pk).update(status=ProgrammeStatus.PUBLISHED)
    response = client.get("/programmes/", headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Brand new course" in response.content.decode()


def test_different_queries_have_different_etags(client, programme, reuse):
    assert client.get("/programmes/?sort=best")["ETag"] != client.get("/programmes/?sort=title")["ETag"]


def test_a_visitor_with_a_compare_list_gets_a_page_of_their_own_never_shared(client, programme, reuse):
    client.post("/programmes/compare/add/", {"programme": programme.id})
    for url in ["/programmes/", f"/programmes/{programme.slug}/"]:
        response = client.get(url)
        assert "Remove from compare" in response.content.decode(), url
        assert "public" not in response["Cache-Control"] and "private" in response["Cache-Control"], url
        assert "ETag" not in response, url


def test_a_page_with_a_message_waiting_is_not_shared(client, programme, reuse):
    others = [make_programme(title=f"Other {number}").id for number in range(4)]
    for other in others:
        client.post("/programmes/compare/add/", {"programme": other})
    client.post("/programmes/compare/add/", {"programme": programme.id})  # a fifth: refused, with a message
    for other in others:
        client.post("/programmes/compare/remove/", {"programme": other})
    response = client.get(f"/programmes/{programme.slug}/")  # no compare list now, but the message shows
    assert "Add to compare" in response.content.decode() and "four" in response.content.decode()
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert "public" in client.get(f"/programmes/{programme.slug}/")["Cache-Control"]  # once it has been shown


def test_a_signed_in_visitors_directory_is_private(client, programme, reuse):
    client.force_login(User.objects.create_user("someone"))
    for url in public_urls(programme)[:5]:
        response = client.get(url)
        assert "public" not in response["Cache-Control"] and "ETag" not in response, url


def test_compare_forms_work_without_a_token_from_the_registers_own_pages(client, programme):
    response = client.post(
        "/programmes/compare/add/", {"programme": programme.id}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 302
    assert "Remove from compare" in client.get(f"/programmes/{programme.slug}/").content.decode()


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {"Origin": "https://evil.example"}]
)
def test_a_compare_form_posted_by_another_site_is_refused(client, programme, headers):
    response = client.post("/programmes/compare/add/", {"programme": programme.id}, headers=headers)
    assert response.status_code == 403
    assert "Remove from compare" not in client.get(f"/programmes/{programme.slug}/").content.decode()


def test_a_provider_edit_makes_its_page_200_again(client, programme, reuse):
    url = f"/providers/{programme.provider.slug}/"
    etag = client.get(url)["ETag"]
    Provider.objects.filter(pk=programme.provider.pk).update(description="Now in every region.")
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Now in every region." in response.content.decode()
