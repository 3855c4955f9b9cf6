"""E-mails leave through a real Celery worker, only after the transaction that owed them commits."""

import pytest

from programmes.vocabulary import ProgrammeStatus
from reviews import services
from reviews.models import Notification
from tests import factories
from tests.conftest import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_sends_the_assignment_email_after_commit(
    restored_reference_data, celery_worker_process, convenor, reviewer, provider
):
    programme = factories.make_programme(provider, status=ProgrammeStatus.SUBMITTED)
    review = services.review_assign(programme=programme, reviewer=reviewer, by=convenor)

    def sent():
        # The task claims the row (sent_at) before sending and records the recipients after.
        return Notification.objects.filter(review=review, sent_at__isnull=False).exclude(recipients="").first()

    notification = wait_until(sent, timeout=20)
    assert notification.recipients == "reviewer-rob@example.org"
