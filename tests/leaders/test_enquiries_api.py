"""The enquiries API says what the pages say: up to five providers, field errors in the register's
one error shape, each provider's editors only theirs, the leader's address null until shared."""

from datetime import date, timedelta

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from leaders import services
from leaders.models import Enquiry
from tests.leaders.conftest import enquiry_request

pytestmark = pytest.mark.django_db

LEADER_EMAIL = "head-hana@school.example"


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def body(shortlist, chosen, **changes):
    fields = {"need": "Coaching for new middle leaders.", "phase": "primary", "staff_count": 8,
              "starts_on": str(date.today() + timedelta(days=10)), "ends_on": str(date.today() + timedelta(days=40)),
              "providers": [provider.slug for provider, _, _ in chosen], "shortlist": shortlist.id}  # fmt: skip
    fields.update(changes)
    return fields


def test_a_leader_sends_an_enquiry_to_five_providers_through_the_api(leader, shortlist_of_six, six_providers):
    response = api(leader).post("/api/v1/account/enquiries/", body(shortlist_of_six, six_providers[:5]), format="json")

    assert response.status_code == 201, response.content
    threads = response.json()["threads"]
    assert [thread["provider_name"] for thread in threads] == [f"Provider {letter}" for letter in "ABCDE"]
    assert all(thread["email_shared"] is False and thread["messages"] == [] for thread in threads)


def test_six_providers_are_a_400_naming_the_field(leader, shortlist_of_six, six_providers):
    response = api(leader).post("/api/v1/account/enquiries/", body(shortlist_of_six, six_providers), format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "providers": ["Choose up to 5 providers: you chose 6. Send another enquiry for the rest"]
    }
    assert not Enquiry.objects.exists()


def test_an_unknown_provider_and_a_missing_origin_are_refused_by_name(leader, shortlist_of_six, six_providers):
    client = api(leader)
    unknown = client.post("/api/v1/account/enquiries/", body(shortlist_of_six, [], providers=["nobody"]), format="json")
    nowhere = body(shortlist_of_six, six_providers[:1])
    del nowhere["shortlist"]

    assert unknown.json()["errors"] == {
        "providers": ["Choose providers from the list: the enquiry can go only to those"]
    }
    assert list(client.post("/api/v1/account/enquiries/", nowhere, format="json").json()["errors"]) == ["shortlist"]


def test_the_daily_limit_is_a_400_that_says_when_to_try_again(leader, shortlist_of_six, six_providers):
    client = api(leader)
    for _ in range(services.ENQUIRIES_PER_DAY):
        assert client.post("/api/v1/account/enquiries/", body(shortlist_of_six, six_providers[:1]),
                           format="json").status_code == 201  # fmt: skip

    refused = client.post("/api/v1/account/enquiries/", body(shortlist_of_six, six_providers[:1]), format="json")

    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("You can send up to 5 enquiries in 24 hours")


def test_the_inbox_shows_each_editor_only_their_providers_threads_and_no_address_until_shared(
    leader, shortlist_of_six, six_providers
):
    enquiry = services.enquiry_send(by=leader, request=enquiry_request([p for p, _, _ in six_providers[:2]]),
                                    shortlist_id=shortlist_of_six.id)  # fmt: skip
    thread_a, thread_b = enquiry.threads.order_by("provider__name")
    editor_a, editor_c = six_providers[0][1], six_providers[2][1]

    inbox = api(editor_a).get("/api/v1/provider/enquiries/").json()["results"]
    assert [row["id"] for row in inbox] == [thread_a.id]
    assert inbox[0]["leader_email"] is None and inbox[0]["status"] == "unread"
    assert LEADER_EMAIL not in str(inbox)
    assert api(editor_c).get("/api/v1/provider/enquiries/").json()["results"] == []
    assert api(editor_a).get(f"/api/v1/provider/enquiries/{thread_b.id}/").status_code == 404
    assert api(editor_a).post(f"/api/v1/provider/enquiries/{thread_b.id}/reply/", {"body": "Hi"},
                              format="json").status_code == 404  # fmt: skip

    assert api(leader).post(f"/api/v1/account/enquiry-threads/{thread_a.id}/share-email/").json()["email_shared"]
    detail = api(editor_a).get(f"/api/v1/provider/enquiries/{thread_a.id}/").json()
    assert detail["leader_email"] == LEADER_EMAIL and detail["status"] == "read"
    assert api(six_providers[1][1]).get(f"/api/v1/provider/enquiries/{thread_b.id}/").json()["leader_email"] is None


def test_a_reply_through_the_api_reaches_the_leader(leader, shortlist_of_six, six_providers):
    enquiry = services.enquiry_send(by=leader, request=enquiry_request([six_providers[0][0]]),
                                    shortlist_id=shortlist_of_six.id)  # fmt: skip
    thread = enquiry.threads.get()
    editor = api(six_providers[0][1])

    empty = editor.post(f"/api/v1/provider/enquiries/{thread.id}/reply/", {"body": " "}, format="json")
    sent = editor.post(f"/api/v1/provider/enquiries/{thread.id}/reply/", {"body": "September works."}, format="json")

    assert empty.status_code == 400 and empty.json()["errors"] == {"body": ["Enter your reply"]}
    assert sent.status_code == 201 and sent.json()["from_provider"] is True
    mine = api(leader).get(f"/api/v1/account/enquiries/{enquiry.id}/").json()
    assert mine["threads"][0]["replied"] is True
    assert [message["body"] for message in mine["threads"][0]["messages"]] == ["September works."]
    assert api(six_providers[0][1]).get("/api/v1/provider/enquiries/").json()["results"][0]["status"] == "replied"


def test_another_leader_cannot_read_or_write_in_an_enquiry(leader, other_leader, shortlist_of_six, six_providers):
    enquiry = services.enquiry_send(by=leader, request=enquiry_request([six_providers[0][0]]),
                                    shortlist_id=shortlist_of_six.id)  # fmt: skip
    thread = enquiry.threads.get()
    client = api(other_leader)

    assert client.get(f"/api/v1/account/enquiries/{enquiry.id}/").status_code == 404
    assert client.get("/api/v1/account/enquiries/").json()["results"] == []
    assert client.post(f"/api/v1/account/enquiry-threads/{thread.id}/share-email/").status_code == 404
    refused = client.post("/api/v1/account/enquiries/", body(shortlist_of_six, six_providers[:1]), format="json")
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["providers"]


def test_shortlists_and_saved_searches_are_listed_for_their_leader_only(leader, other_leader, shortlist_of_six):
    services.saved_search_create(by=leader, name="Heads", query="focus=headteacher")

    shortlists = api(leader).get("/api/v1/account/shortlists/").json()["results"]
    assert [row["name"] for row in shortlists] == ["Coaching"] and len(shortlists[0]["entries"]) == 6
    assert api(leader).get("/api/v1/account/saved-searches/").json()["results"][0]["query"] == "focus=headteacher"
    assert api(other_leader).get("/api/v1/account/shortlists/").json()["results"] == []
    assert api(other_leader).get("/api/v1/account/saved-searches/").json()["results"] == []


def test_the_schema_documents_the_enquiry_endpoints(anonymous_schema):
    paths = anonymous_schema["paths"]
    for path in ("/api/v1/account/enquiries/", "/api/v1/account/enquiries/{enquiry_id}/",
                 "/api/v1/provider/enquiries/", "/api/v1/provider/enquiries/{thread_id}/reply/",
                 "/api/v1/account/shortlists/", "/api/v1/account/saved-searches/"):  # fmt: skip
        assert path in paths
    create = paths["/api/v1/account/enquiries/"]["post"]
    assert set(create["responses"]) >= {"201", "400", "401", "403"}
    inbox_row = anonymous_schema["components"]["schemas"]["InboxThread"]["properties"]
    assert inbox_row["leader_email"]["nullable"] is True


@pytest.fixture
def anonymous_schema():
    return APIClient().get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/json").json()


def test_control_characters_in_a_reply_are_a_400_naming_the_field(leader, shortlist_of_six, six_providers):
    thread = services.enquiry_send(by=leader, request=enquiry_request([six_providers[0][0]]),
                                   shortlist_id=shortlist_of_six.id).threads.get()  # fmt: skip

    response = api(leader).post(f"/api/v1/account/enquiry-threads/{thread.id}/reply/", {"body": "Hi\x00"},
                                format="json")  # fmt: skip

    assert response.status_code == 400 and list(response.json()["errors"]) == ["body"]
    assert not thread.messages.exists()
