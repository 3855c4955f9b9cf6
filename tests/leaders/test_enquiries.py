"""Enquiries: one enquiry to up to five providers, each provider's editors see only theirs and
reply in their inbox, the replies reach the leader, whose address is hidden until they share it;
five enquiries a day."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from leaders import services
from leaders.models import Enquiry, EnquiryEmail, EnquiryEvent, EnquiryThread
from qaportal.errors import NotPermitted, ValidationFailed
from tests.leaders.conftest import enquiry_request, make_leader

pytestmark = pytest.mark.django_db

LEADER_EMAIL = "head-hana@school.example"


def providers_of(six_providers, count):
    return [provider for provider, _, _ in six_providers[:count]]


def send(leader, shortlist, six_providers, count=2, **changes):
    request = enquiry_request(providers_of(six_providers, count), **changes)
    return services.enquiry_send(by=leader, request=request, shortlist_id=shortlist.id)


def form_data(shortlist, chosen, **changes):
    data = {"shortlist": shortlist.id if shortlist else "", "need": "Coaching for new middle leaders",
            "phase": "secondary", "staff_count": "6", "starts_on": "01/09/2030", "ends_on": "31/07/2031",
            "providers": [str(provider.id) for provider in chosen]}  # fmt: skip
    data.update(changes)
    return data


def test_one_enquiry_goes_to_five_providers_each_in_its_own_thread(leader, shortlist_of_six, six_providers):
    enquiry = send(leader, shortlist_of_six, six_providers, count=5)

    threads = EnquiryThread.objects.filter(enquiry=enquiry)
    assert sorted(thread.provider.name for thread in threads) == [f"Provider {letter}" for letter in "ABCDE"]
    assert EnquiryEmail.objects.filter(thread__enquiry=enquiry, kind="new-enquiry").count() == 5
    assert EnquiryEvent.objects.filter(thread__enquiry=enquiry, kind="sent").count() == 5


def test_six_providers_are_refused_with_an_error_beside_the_choice_and_nothing_is_sent(
    client, leader, shortlist_of_six, six_providers
):
    client.force_login(leader)
    data = form_data(shortlist_of_six, providers_of(six_providers, 6), need="Our exact words")

    response = client.post("/account/enquiries/new/", data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose up to 5 providers: you chose 6. Send another enquiry for the rest" in page
    assert 'href="#id_providers_0"' in page  # the error summary links to the choice
    assert "Our exact words" in page and 'value="01/09/2030"' in page
    assert page.count("checked") >= 6  # the phase and six providers stay chosen
    assert not Enquiry.objects.exists()
    with pytest.raises(ValidationFailed) as refused:
        send(leader, shortlist_of_six, six_providers, count=6)
    assert list(refused.value.field_errors) == ["providers"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"need": ""}, "need", "Enter what you need"),
        ({"phase": ""}, "phase", "Choose the phase your staff teach in"),
        ({"staff_count": "0"}, "staff_count", "Enter the number of staff as a whole number from 1 to 10,000"),
        ({"staff_count": "six"}, "staff_count", "Enter the number of staff as a whole number from 1 to 10,000"),
        ({"starts_on": "31/02/2030"}, "starts_on", "Enter the earliest start as day/month/year"),
        ({"starts_on": "01/01/2020"}, "starts_on", "The earliest start must be today or in the future"),
        ({"ends_on": "01/08/2030"}, "ends_on", "The latest finish must be the same as or after the earliest start"),
        ({"providers": []}, "providers", "Choose at least one provider"),
    ],
)
def test_each_bad_field_gets_its_own_error_once_and_keeps_what_was_typed(
    client, leader, shortlist_of_six, six_providers, changes, field, message
):
    client.force_login(leader)

    response = client.post("/account/enquiries/new/", form_data(shortlist_of_six, providers_of(six_providers, 2),
                                                                **changes))  # fmt: skip

    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert form.errors[field][0].startswith(message)
    assert response.content.decode().count(message) == 2  # in the summary and beside the field
    assert "Coaching for new middle leaders" in response.content.decode() or field == "need"


def test_a_provider_not_on_the_shortlist_is_refused(client, leader, shortlist_of_six, six_providers, provider):
    with pytest.raises(ValidationFailed, match="Choose providers from the list"):
        services.enquiry_send(by=leader, request=enquiry_request([provider]), shortlist_id=shortlist_of_six.id)


def test_from_a_programme_page_the_enquiry_goes_to_its_provider(client, leader, six_providers):
    provider, _, programme = six_providers[0]
    client.force_login(leader)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert f'href="/account/enquiries/new/?programme={programme.id}"' in page

    form = client.get(f"/account/enquiries/new/?programme={programme.id}")
    assert form.context["form"]["providers"].value() == [str(provider.id)]
    response = client.post("/account/enquiries/new/", {**form_data(None, [provider]), "programme": programme.id})

    assert response.status_code == 302
    thread = EnquiryThread.objects.get()
    assert thread.provider == provider and list(thread.programmes.all()) == [programme]


def test_the_sixth_enquiry_in_a_day_is_refused_with_a_clear_error_and_allowed_a_day_later(
    client, leader, shortlist_of_six, six_providers
):
    for _ in range(services.ENQUIRIES_PER_DAY):
        send(leader, shortlist_of_six, six_providers, count=1)
    client.force_login(leader)

    response = client.post("/account/enquiries/new/", form_data(shortlist_of_six, providers_of(six_providers, 1)))

    assert response.status_code == 400
    assert "You can send up to 5 enquiries in 24 hours, and you have sent 5. You can send another after" in (
        response.content.decode()
    )
    assert Enquiry.objects.count() == 5
    Enquiry.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    assert send(leader, shortlist_of_six, six_providers, count=1).pk


def test_another_leaders_enquiries_do_not_count_toward_the_limit(leader, shortlist_of_six, six_providers):
    for _ in range(services.ENQUIRIES_PER_DAY):
        send(leader, shortlist_of_six, six_providers, count=1)
    hugo = make_leader("head-hugo@school.example")
    his = services.shortlist_create(by=hugo, name="His")
    services.shortlist_add(by=hugo, shortlist=his, programme=six_providers[0][2])

    assert send(hugo, his, six_providers, count=1).leader == hugo


def test_each_providers_editors_see_only_the_enquiries_to_their_provider(
    client, leader, shortlist_of_six, six_providers
):
    send(leader, shortlist_of_six, six_providers, count=2, need="To A and B")
    send(leader, shortlist_of_six, six_providers[1:], count=1, need="To B only")
    (_, editor_a, _), (_, editor_b, _), (_, editor_c, _) = six_providers[:3]
    to_b_only = EnquiryThread.objects.get(enquiry__need="To B only")

    seen = {}
    for editor in (editor_a, editor_b, editor_c):
        client.force_login(editor)
        page = client.get("/provider/enquiries/").content.decode()
        seen[editor.username] = [need for need in ("To A and B", "To B only") if need in page]
    assert seen == {"editor-a": ["To A and B"], "editor-b": ["To A and B", "To B only"], "editor-c": []}
    client.force_login(editor_a)
    assert client.get(f"/provider/enquiries/{to_b_only.id}/").status_code == 404
    assert client.post(f"/provider/enquiries/{to_b_only.id}/", {"body": "Ours?"}).status_code == 404
    with pytest.raises(NotPermitted):
        services.enquiry_reply(by=editor_a, thread=to_b_only, body="Ours?")
    assert not to_b_only.messages.exists()


def test_a_leader_sees_only_their_own_enquiries(client, leader, other_leader, shortlist_of_six, six_providers):
    enquiry = send(leader, shortlist_of_six, six_providers)
    thread = enquiry.threads.first()
    client.force_login(other_leader)

    assert client.get(f"/account/enquiries/{enquiry.id}/").status_code == 404
    assert "Coaching for six" not in client.get("/account/enquiries/").content.decode()
    assert client.post(f"/account/enquiries/threads/{thread.id}/share-email/").status_code == 404
    assert client.post(f"/account/enquiries/threads/{thread.id}/reply/", {"body": "Hi"}).status_code == 404
    assert client.get(f"/account/enquiries/new/?shortlist={shortlist_of_six.id}").status_code == 404


def test_the_leaders_email_is_hidden_from_the_provider_until_shared(client, leader, shortlist_of_six, six_providers):
    enquiry = send(leader, shortlist_of_six, six_providers, count=2)
    thread_a, thread_b = enquiry.threads.order_by("provider__name")
    editor_a = six_providers[0][1]
    client.force_login(editor_a)
    before = client.get(f"/provider/enquiries/{thread_a.id}/").content.decode()
    assert LEADER_EMAIL not in before and "A school leader at Hill Primary" in before
    assert LEADER_EMAIL not in client.get("/provider/enquiries/").content.decode()

    client.force_login(leader)
    shared = client.post(f"/account/enquiries/threads/{thread_a.id}/share-email/")
    assert shared.status_code == 302

    client.force_login(editor_a)
    assert LEADER_EMAIL in client.get(f"/provider/enquiries/{thread_a.id}/").content.decode()
    client.force_login(six_providers[1][1])
    assert LEADER_EMAIL not in client.get(f"/provider/enquiries/{thread_b.id}/").content.decode()
    assert EnquiryEvent.objects.filter(thread=thread_a, kind="email-shared", actor=leader).count() == 1
    services.enquiry_share_email(by=leader, thread=thread_a)
    assert EnquiryEvent.objects.filter(thread=thread_a, kind="email-shared").count() == 1


def test_the_providers_email_never_carries_the_leaders_address(leader, shortlist_of_six, six_providers):
    enquiry = send(leader, shortlist_of_six, six_providers, count=2)
    for owed in EnquiryEmail.objects.filter(thread__enquiry=enquiry):
        services.enquiry_email_send(email_id=owed.id)

    assert sorted(message.to[0] for message in mail.outbox) == ["editor-a@example.org", "editor-b@example.org"]
    for message in mail.outbox:
        assert LEADER_EMAIL not in message.message().as_string()
        assert "Coaching for six new middle leaders." in message.body
        assert "From: A school leader at Hill Primary" in message.body


def test_a_providers_reply_reaches_the_leader_on_their_page_and_by_email(
    client, leader, shortlist_of_six, six_providers
):
    enquiry = send(leader, shortlist_of_six, six_providers, count=2)
    thread_a = enquiry.threads.get(provider=six_providers[0][0])
    client.force_login(six_providers[0][1])
    inbox = client.get("/provider/enquiries/").content.decode()
    assert "Unread" in inbox
    client.get(f"/provider/enquiries/{thread_a.id}/")
    assert "Unread" not in client.get("/provider/enquiries/").content.decode()

    replied = client.post(f"/provider/enquiries/{thread_a.id}/", {"body": "We can start in September."})
    assert replied.status_code == 302
    assert "Replied" in client.get("/provider/enquiries/").content.decode()
    mail.outbox.clear()
    for owed in EnquiryEmail.objects.filter(kind="provider-reply"):
        services.enquiry_email_send(email_id=owed.id)

    client.force_login(leader)
    page = client.get(f"/account/enquiries/{enquiry.id}/").content.decode()
    assert "We can start in September." in page
    assert "1 of 2 replied" in client.get("/account/enquiries/").content.decode()
    assert [message.to for message in mail.outbox] == [[LEADER_EMAIL]]
    assert "Provider A replied to your enquiry" in mail.outbox[0].subject
    assert "We can start in September." in mail.outbox[0].body


def test_the_leader_answers_back_and_the_provider_sees_it_unread(client, leader, shortlist_of_six, six_providers):
    enquiry = send(leader, shortlist_of_six, six_providers, count=1)
    thread = enquiry.threads.get()
    editor = six_providers[0][1]
    services.enquiry_reply(by=editor, thread=thread, body="What dates suit you?")
    client.force_login(leader)

    client.post(f"/account/enquiries/threads/{thread.id}/reply/", {"body": "Tuesdays after school."})

    client.force_login(editor)
    assert "Unread" in client.get("/provider/enquiries/").content.decode()
    assert "Tuesdays after school." in client.get(f"/provider/enquiries/{thread.id}/").content.decode()
    assert EnquiryEmail.objects.filter(kind="leader-reply").count() == 1


def test_an_empty_reply_is_refused_beside_the_box(client, leader, shortlist_of_six, six_providers):
    thread = send(leader, shortlist_of_six, six_providers, count=1).threads.get()
    client.force_login(six_providers[0][1])

    response = client.post(f"/provider/enquiries/{thread.id}/", {"body": "  "})

    assert response.status_code == 400
    assert response.content.decode().count("Enter your reply") == 2
    assert not thread.messages.exists()


def test_enquiry_forms_need_the_csrf_token(leader, shortlist_of_six, six_providers):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(leader)

    response = strict.post("/account/enquiries/new/", form_data(shortlist_of_six, providers_of(six_providers, 1)))

    assert response.status_code == 403
    assert not Enquiry.objects.exists()


def test_the_inbox_and_the_leaders_list_take_a_constant_number_of_queries(
    client, leader, shortlist_of_six, six_providers, django_assert_max_num_queries
):
    for count in (1, 2, 3):
        send(leader, shortlist_of_six, six_providers, count=count)
    client.force_login(six_providers[0][1])
    with django_assert_max_num_queries(12):
        assert client.get("/provider/enquiries/").status_code == 200
    client.force_login(leader)
    with django_assert_max_num_queries(12):
        assert client.get("/account/enquiries/").status_code == 200
    enquiry = Enquiry.objects.order_by("-id").first()
    with django_assert_max_num_queries(14):
        assert client.get(f"/account/enquiries/{enquiry.id}/").status_code == 200


def test_control_characters_in_an_enquiry_are_refused_beside_the_field_and_kept(
    client, leader, shortlist_of_six, six_providers
):
    client.force_login(leader)
    typed = "Coaching\x07 for new leaders"

    response = client.post("/account/enquiries/new/", form_data(shortlist_of_six, providers_of(six_providers, 1),
                                                                need=typed))  # fmt: skip

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["need"]
    assert "control character" in response.context["form"].errors["need"][0]
    assert response.context["form"]["need"].value() == typed
    assert not Enquiry.objects.exists()


def test_the_leaders_navigation_leads_to_their_enquiries(client, leader):
    from qaportal.navigation import role_links

    assert [link.label for link in role_links(leader)] == ["Your shortlists", "Your enquiries"]


def test_a_thread_page_takes_a_constant_number_of_queries(
    client, leader, shortlist_of_six, six_providers, django_assert_max_num_queries
):
    thread = send(leader, shortlist_of_six, six_providers, count=1).threads.get()
    editor = six_providers[0][1]
    for number in range(6):
        services.enquiry_reply(by=editor if number % 2 else leader, thread=thread, body=f"Message {number}")
    client.force_login(editor)

    with django_assert_max_num_queries(14):
        page = client.get(f"/provider/enquiries/{thread.id}/").content.decode()

    assert all(f"Message {number}" in page for number in range(6))


@pytest.mark.parametrize("junk", ["abc", "99999999999999999999999", "-1", ""])
def test_an_enquiry_from_a_junk_origin_is_not_found(client, leader, junk):
    client.force_login(leader)

    assert client.get(f"/account/enquiries/new/?shortlist={junk}").status_code == 404
    assert client.get(f"/account/enquiries/new/?programme={junk}").status_code == 404
    assert client.post("/account/enquiries/new/", {"shortlist": junk, "need": "x"}).status_code == 404


def test_an_empty_reply_from_the_leader_is_refused_on_their_enquiry_page(
    client, leader, shortlist_of_six, six_providers
):
    enquiry = send(leader, shortlist_of_six, six_providers, count=2)
    thread = enquiry.threads.order_by("provider__name").last()
    client.force_login(leader)

    response = client.post(f"/account/enquiries/threads/{thread.id}/reply/", {"body": ""})

    assert response.status_code == 400
    page = response.content.decode()
    assert f'href="#reply-{thread.id}-body"' in page and page.count("Enter your reply") == 2
    assert not thread.messages.exists()
