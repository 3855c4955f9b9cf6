"""A double (or sextuple) click on a create button makes one thing and never a 500.

Real concurrent requests from threads, each on its own PostgreSQL connection, committing for real.
"""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from programmes.models import Programme
from qaportal.roles import Role
from reviews.models import Affiliation
from summaries.models import ExportJob
from tests import factories
from tests.workflow.test_provider_pages import PROGRAMME

pytestmark = pytest.mark.django_db(transaction=True)

CLICKS = 6


def click_at_once(user, url: str, data: dict) -> list:
    """``CLICKS`` posts of the same form (the same one-time token) from the same session, at once."""
    session_client = Client()
    session_client.force_login(user)
    cookie = session_client.cookies["sessionid"].value
    start = threading.Barrier(CLICKS)
    responses = [None] * CLICKS

    def click(index: int) -> None:
        client = Client(raise_request_exception=False)
        client.cookies["sessionid"] = cookie
        try:
            start.wait()
            responses[index] = client.post(url, data)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(index,)) for index in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def token_of(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    marker = 'name="submission_token" value="'
    assert marker in html, "the form carries no one-time token"
    return html.split(marker, 1)[1].split('"', 1)[0]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_six_concurrent_creates_of_one_programme_form_make_one_draft_and_no_500(provider_editor, provider):
    url = f"/provider/providers/{provider.slug}/programmes/new/"
    token = token_of(signed_in(provider_editor), url)

    responses = click_at_once(provider_editor, url, PROGRAMME | {"submission_token": token})

    assert [response.status_code for response in responses] == [302] * CLICKS
    (programme,) = Programme.objects.filter(provider=provider)
    assert {response["Location"] for response in responses} == {f"/provider/programmes/{programme.slug}/evidence/"}


def test_six_concurrent_creates_of_different_programmes_with_one_title_get_six_slugs(provider_editor, provider):
    url = f"/provider/providers/{provider.slug}/programmes/new/"
    # Six different forms (six tokens) with the same title: the slug race, not the double click.
    session = signed_in(provider_editor)
    tokens = iter([token_of(session, url) for _ in range(CLICKS)])
    lock = threading.Lock()

    class EachItsOwnToken(dict):
        def items(self):
            with lock:
                return [*super().items(), ("submission_token", next(tokens))]

    responses = click_at_once(provider_editor, url, EachItsOwnToken(PROGRAMME))

    assert [response.status_code for response in responses] == [302] * CLICKS
    slugs = set(Programme.objects.values_list("slug", flat=True))
    assert len(slugs) == CLICKS and "early-reading-leadership" in slugs


def test_six_concurrent_adds_of_one_affiliation_record_it_once(reviewer):
    url = "/reviewer/affiliations/"
    token = token_of(signed_in(reviewer), url)

    responses = click_at_once(reviewer, url, {"organisation_name": "Kite Teaching Hub", "submission_token": token})

    assert [response.status_code for response in responses] == [302] * CLICKS
    assert Affiliation.objects.filter(reviewer=reviewer).count() == 1


def test_six_concurrent_export_requests_start_one_job(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    convenor = factories.make_user("convenor-cat", role=Role.CONVENOR)
    token = token_of(signed_in(convenor), "/convenor/summaries/")

    responses = click_at_once(convenor, "/convenor/summaries/exports/new", {"format": "csv", "submission_token": token})

    assert [response.status_code for response in responses] == [302] * CLICKS
    (job,) = ExportJob.objects.all()
    assert {response["Location"] for response in responses} == {f"/convenor/summaries/exports/{job.pk}/"}


def test_a_token_sent_by_someone_else_is_refused_not_reused(client, provider_editor, provider):
    url = f"/provider/providers/{provider.slug}/programmes/new/"
    token = str(uuid.uuid4())
    client.force_login(provider_editor)
    client.post(url, PROGRAMME | {"submission_token": token})
    other = factories.make_user("editor-eve", role=Role.PROVIDER_EDITOR)
    provider.editors.add(other)
    client.force_login(other)

    response = client.post(url, PROGRAMME | {"submission_token": token})

    assert response.status_code == 200 and "This form has already been sent" in response.content.decode()
    assert Programme.objects.count() == 1


def test_an_api_export_sent_twice_with_one_idempotency_key_starts_one_job(settings, tmp_path):
    from tests.api.conftest import token_client

    settings.MEDIA_ROOT = tmp_path
    convenor = factories.make_user("convenor-cat", role=Role.CONVENOR)
    client, key = token_client(convenor), str(uuid.uuid4())

    first = client.post("/api/v1/exports/", {"format": "csv"}, format="json", headers={"Idempotency-Key": key})
    second = client.post("/api/v1/exports/", {"format": "csv"}, format="json", headers={"Idempotency-Key": key})
    junk = client.post("/api/v1/exports/", {"format": "csv"}, format="json", headers={"Idempotency-Key": "x"})

    assert (first.status_code, second.status_code, junk.status_code) == (202, 202, 400)
    assert first.json()["id"] == second.json()["id"] and ExportJob.objects.count() == 1
