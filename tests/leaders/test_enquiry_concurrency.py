"""The daily limit holds when a leader's last enquiries of the day are sent at the same moment."""

import pytest

from leaders import services
from leaders.models import Enquiry
from qaportal.errors import ValidationFailed
from tests.conftest import at_once
from tests.leaders.conftest import enquiry_request, make_leader, make_provider_with_editor

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_enquiries_sent_at_once_at_the_limit_make_only_one(db):
    leader = make_leader()
    provider, _, programme = make_provider_with_editor("Provider A", "editor-a")
    shortlist = services.shortlist_create(by=leader, name="Coaching")
    services.shortlist_add(by=leader, shortlist=shortlist, programme=programme)
    for _ in range(services.ENQUIRIES_PER_DAY - 1):
        services.enquiry_send(by=leader, request=enquiry_request([provider]), shortlist_id=shortlist.id)
    outcomes = []

    def send():
        try:
            services.enquiry_send(by=leader, request=enquiry_request([provider]), shortlist_id=shortlist.id)
            outcomes.append("sent")
        except ValidationFailed:
            outcomes.append("refused")

    at_once(send, 2)

    assert sorted(outcomes) == ["refused", "sent"]
    assert Enquiry.objects.count() == services.ENQUIRIES_PER_DAY
