"""Enquiry e-mails leave through a real Celery worker, once each, after the enquiry commits; a
duplicated task message or a sweep sends nothing twice, and a lost message is sent by the sweep."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from leaders import services
from leaders.models import EnquiryEmail
from leaders.tasks import send_enquiry_email
from tests.conftest import wait_until
from tests.leaders.conftest import enquiry_request, make_leader, make_provider_with_editor

LEADER_EMAIL = "head-hana@school.example"


def shortlisted_providers(leader, count):
    shortlist = services.shortlist_create(by=leader, name="Coaching")
    people = [make_provider_with_editor(f"Provider {letter}", f"editor-{letter.lower()}") for letter in "AB"[:count]]
    for _, _, programme in people:
        services.shortlist_add(by=leader, shortlist=shortlist, programme=programme)
    return shortlist, people


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_emails_each_providers_editors_exactly_once(celery_worker_process, worker_mail):
    leader = make_leader(LEADER_EMAIL)
    shortlist, people = shortlisted_providers(leader, 2)
    request = enquiry_request([provider for provider, _, _ in people])

    services.enquiry_send(by=leader, request=request, shortlist_id=shortlist.id)

    wait_until(lambda: EnquiryEmail.objects.filter(sent_at__isnull=False).count() == 2, timeout=20)
    for owed in EnquiryEmail.objects.all():
        send_enquiry_email.delay(owed.id)  # a duplicated message
    assert services.enquiry_emails_send_owed() == 0
    time.sleep(2)
    sent = worker_mail()
    assert sorted(message["To"] for message in sent) == ["editor-a@example.org", "editor-b@example.org"]
    assert all(LEADER_EMAIL not in message.as_string() for message in sent)
    assert sorted(EnquiryEmail.objects.values_list("recipients", flat=True)) == [
        "editor-a@example.org", "editor-b@example.org"
    ]  # fmt: skip


@pytest.mark.django_db
def test_an_enquiry_email_whose_message_was_lost_is_sent_once_by_the_sweep(mailoutbox):
    leader = make_leader(LEADER_EMAIL)
    shortlist, people = shortlisted_providers(leader, 1)
    services.enquiry_send(by=leader, request=enquiry_request([people[0][0]]), shortlist_id=shortlist.id)
    # In this test's transaction on_commit never fires: just like a message lost with the broker down.
    EnquiryEmail.objects.update(created_at=timezone.now() - timedelta(minutes=5))

    assert services.enquiry_emails_send_owed() == 1
    assert services.enquiry_emails_send_owed() == 0
    assert [message.to for message in mailoutbox] == [["editor-a@example.org"]]


@pytest.mark.django_db
def test_a_live_claim_is_left_alone_and_an_expired_one_is_sent(mailoutbox, settings):
    settings.OUTBOX_GRACE_SECONDS = 0
    leader = make_leader(LEADER_EMAIL)
    shortlist, people = shortlisted_providers(leader, 1)
    services.enquiry_send(by=leader, request=enquiry_request([people[0][0]]), shortlist_id=shortlist.id)
    owed = EnquiryEmail.objects.get()
    EnquiryEmail.objects.update(claimed_until=timezone.now() + timedelta(seconds=30))

    assert services.enquiry_email_send(email_id=owed.id) is False
    EnquiryEmail.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert services.enquiry_emails_send_owed() == 1
    assert len(mailoutbox) == 1
