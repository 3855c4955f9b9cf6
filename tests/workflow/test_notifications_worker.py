"""E-mails leave through a real Celery worker, only after the transaction that owed them commits."""

import pytest

from programmes.vocabulary import ProgrammeStatus
from reviews import services
from reviews.models import Notification
from tests import factories
from tests.conftest import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_sends_the_assignment_email_after_commit(celery_worker_process, convenor, reviewer, provider):
    programme = factories.make_programme(provider, status=ProgrammeStatus.SUBMITTED)
    review = services.review_assign(programme=programme, reviewer=reviewer, by=convenor)

    def sent():
        # The task claims the row (sent_at) before sending and records the recipients after.
        return Notification.objects.filter(review=review, sent_at__isnull=False).exclude(recipients="").first()

    notification = wait_until(sent, timeout=20)
    assert notification.recipients == "reviewer-rob@example.org"


@pytest.mark.django_db
def test_an_email_whose_task_message_was_lost_is_sent_once_by_the_sweep(convenor, reviewer, provider, mailoutbox):
    from datetime import timedelta

    from django.utils import timezone

    programme = factories.make_programme(provider, status=ProgrammeStatus.SUBMITTED)
    services.review_assign(programme=programme, reviewer=reviewer, by=convenor)
    # In this test's transaction on_commit never fires: just like a message lost with the broker down.
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=5))

    assert services.notifications_send_owed() == 1
    assert services.notifications_send_owed() == 0
    assert [message.to for message in mailoutbox] == [["reviewer-rob@example.org"]]


def test_an_email_whose_worker_died_while_sending_is_sent_by_the_sweep(provider, mailoutbox, settings):
    """A worker killed between its claim and the mail server leaves only an expiring claim behind."""
    from datetime import timedelta

    from django.utils import timezone

    from reviews.services import notification_send, notifications_send_owed

    settings.OUTBOX_GRACE_SECONDS = 0
    programme = factories.make_programme(provider, status=ProgrammeStatus.SUBMITTED)
    notification = Notification.objects.create(kind="published", programme=programme)
    Notification.objects.filter(pk=notification.pk).update(claimed_until=timezone.now() + timedelta(seconds=30))
    assert notification_send(notification_id=notification.pk) is False  # a live claim: left alone
    assert notifications_send_owed() == 0

    Notification.objects.filter(pk=notification.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert notifications_send_owed() == 1
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.claimed_until is None
    assert notifications_send_owed() == 0
