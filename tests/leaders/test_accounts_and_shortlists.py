"""A leader signs up with a verified e-mail address and keeps shortlists with private notes."""

import csv
import io
import re

import pytest
from django.core import mail
from openpyxl import load_workbook

from leaders import services
from leaders.models import LeaderAccount, Shortlist, ShortlistEntry
from programmes.vocabulary import ProgrammeStatus
from qaportal.errors import NotPermitted, ValidationFailed
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_leader_signs_up_and_confirms_their_address_before_the_account_works(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/account/sign-up/", {"email": "Head-Hana@School.example", "password": "a sturdy passphrase"}
        )
    assert "Check your e-mail" in sent.content.decode()
    assert client.post("/accounts/login/", {"username": "head-hana@school.example",
                                            "password": "a sturdy passphrase"}).status_code == 200  # fmt: skip
    link = re.search(r"http://\S+/account/verify/\S+/", mail.outbox[0].body).group(0)

    confirmed = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)

    assert confirmed.redirect_chain[-1][0] == "/account/"
    assert "Your e-mail address is confirmed" in confirmed.content.decode()
    assert LeaderAccount.objects.get().email_verified_at is not None


def test_sign_up_errors_are_beside_their_fields_and_keep_what_was_typed(client, leader):
    page = client.post("/account/sign-up/", {"email": "head-hana@school.example", "password": "password"})
    body = page.content.decode()
    assert page.status_code == 400
    assert "An account already uses this e-mail address" in body or "This password is too common" in body
    assert 'value="head-hana@school.example"' in body
    page = client.post("/account/sign-up/", {"email": "not an address", "password": "a sturdy passphrase"})
    assert "Enter an e-mail address in the right format" in page.content.decode()


def test_a_tampered_verification_link_is_refused(client):
    page = client.get("/account/verify/not-a-token/")
    assert page.status_code == 400 and "This link is not valid" in page.content.decode()


def test_a_leader_keeps_several_named_shortlists_with_private_notes(leader, catalogue):
    maths = services.shortlist_create(by=leader, name="Maths leads 2026")
    reading = services.shortlist_create(by=leader, name="Reading")
    services.shortlist_add(by=leader, shortlist=maths, programme=catalogue[1], note="Ask about release time")
    services.shortlist_add(by=leader, shortlist=reading, programme=catalogue[0])
    services.shortlist_add(by=leader, shortlist=maths, programme=catalogue[1], note="Cheaper in a cluster")

    assert ShortlistEntry.objects.get(shortlist=maths).note == "Cheaper in a cluster"
    assert list(Shortlist.objects.filter(owner=leader).values_list("name", flat=True)) == [
        "Maths leads 2026",
        "Reading",
    ]
    with pytest.raises(ValidationFailed, match="already have a shortlist"):
        services.shortlist_create(by=leader, name="Reading")


def test_only_published_programmes_and_only_ones_own_shortlists(leader, other_leader, catalogue, provider):
    mine = services.shortlist_create(by=leader, name="Mine")
    with pytest.raises(NotPermitted):
        services.shortlist_add(by=other_leader, shortlist=mine, programme=catalogue[0])
    draft = factories.make_programme(provider, status=ProgrammeStatus.DRAFT)
    with pytest.raises(ValidationFailed):
        services.shortlist_add(by=leader, shortlist=mine, programme=draft)


@pytest.mark.parametrize("where", ["directory", "programme", "compare"])
def test_the_add_to_shortlist_form_is_on_the_directory_the_programme_page_and_compare(client, leader, catalogue, where):
    client.force_login(leader)
    client.post("/programmes/compare/add/", {"programme": catalogue[0].id})
    url = {"directory": "/programmes/", "programme": catalogue[0].get_absolute_url(), "compare": "/programmes/compare/"}

    page = client.get(url[where]).content.decode()
    assert "Add to shortlist" in page

    form = {"programme": catalogue[0].id, "shortlist": "new", "new_name": "Autumn", "note": "Looks strong"}
    added = client.post("/account/shortlists/add/", {**form, "next": url[where]})
    assert added["Location"] == url[where]
    assert ShortlistEntry.objects.get(shortlist__owner=leader).note == "Looks strong"


def test_visitors_without_an_account_see_no_shortlist_form(client, catalogue):
    assert "Add to shortlist" not in client.get(catalogue[0].get_absolute_url()).content.decode()


def test_the_shortlist_exports_as_a_commissioning_table_with_the_evidence_summary(client, leader, catalogue):
    shortlist = services.shortlist_create(by=leader, name="Commission")
    for programme in catalogue:
        services.shortlist_add(by=leader, shortlist=shortlist, programme=programme, note=f"Note on {programme.title}")
    client.force_login(leader)

    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/account/shortlists/{shortlist.id}/shortlist.csv").content.decode()))
    )
    workbook = load_workbook(io.BytesIO(client.get(f"/account/shortlists/{shortlist.id}/shortlist.xlsx").content))

    assert [row["Programme"] for row in rows] == ["Phonics for all", "Maths mastery", "Coaching"]
    assert rows[1]["Your note"] == "Note on Maths mastery" and rows[1]["Band"] == "Not yet rated"
    assert rows[1]["Evidence base"] and rows[1]["Intended outcomes"]
    sheet = list(workbook.active.values)
    assert sheet[0][0] == "Commissioning shortlist: Commission" and sheet[2][0] == "Phonics for all"
    assert client.get(f"/account/shortlists/{shortlist.id}/shortlist.pdf").status_code == 404


def test_another_leaders_shortlist_is_not_found(client, leader, other_leader, catalogue):
    shortlist = services.shortlist_create(by=leader, name="Private")
    entry = services.shortlist_add(by=leader, shortlist=shortlist, programme=catalogue[0], note="secret")
    client.force_login(other_leader)
    for url in (f"/account/shortlists/{shortlist.id}/", f"/account/shortlists/{shortlist.id}/shortlist.csv"):
        assert client.get(url).status_code == 404
    assert client.post(f"/account/shortlists/entries/{entry.id}/note/", {"note": "mine"}).status_code == 404
    assert client.post(f"/account/shortlists/entries/{entry.id}/remove/").status_code == 404
    assert ShortlistEntry.objects.get().note == "secret"


@pytest.mark.parametrize("url", ["/account/", "/account/shortlists/1/"])
def test_account_pages_need_a_leaders_account(client, provider_editor, url):
    assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(provider_editor)
    assert client.get(url).status_code == 403


def test_the_account_page_takes_a_constant_number_of_queries(client, leader, catalogue, django_assert_max_num_queries):
    for number in range(5):
        services.shortlist_create(by=leader, name=f"List {number}")
    client.force_login(leader)
    with django_assert_max_num_queries(10):
        assert client.get("/account/").status_code == 200


def test_shortlist_names_notes_and_search_names_refuse_control_characters(leader, catalogue):
    with pytest.raises(ValidationFailed) as refused:
        services.shortlist_create(by=leader, name="Maths\x1b leads")
    assert refused.value.field_errors == {
        "name": ["The shortlist's name must not contain control characters (it has U+001B). Remove them and try again."]
    }
    shortlist = services.shortlist_create(by=leader, name="Maths leads")
    with pytest.raises(ValidationFailed) as refused:
        services.shortlist_add(by=leader, shortlist=shortlist, programme=catalogue[0], note="Ask\x00 first")
    assert list(refused.value.field_errors) == ["note"]
    services.shortlist_add(by=leader, shortlist=shortlist, programme=catalogue[0], note="Ask first.\nThen book.")
    with pytest.raises(ValidationFailed):
        services.saved_search_create(by=leader, name="Near\x85 me", query="region=london")
