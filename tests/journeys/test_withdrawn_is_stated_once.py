"""A withdrawn programme says so once, the same way on its page, its badge and the API."""

import pytest
from django.utils import timezone

from programmes.vocabulary import ProgrammeStatus
from ratings.models import RatingHistory
from tests import factories
from tests.directory.conftest import rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def withdrawn(provider):
    programme = factories.make_programme(
        provider,
        status=ProgrammeStatus.WITHDRAWN,
        withdrawn_reason="Convenor note: the facilitator left; do not re-list.",
        title="Old coaching",
        focus_level="senior-leader",
        target_staff="Senior leaders",
        published_at=timezone.now() - timezone.timedelta(days=200),  # only a once-published programme stays public
    )
    rate(programme, None, None, 0)  # its reviews were withdrawn with it
    RatingHistory.objects.create(programme=programme, review_count=3, shown_score=2.81, band="Secure",
                                 computed_at=timezone.now() - timezone.timedelta(days=90))  # fmt: skip
    return programme


def test_the_page_states_the_withdrawal_once_with_no_rating_trend_or_reason(client, withdrawn):
    page = client.get(withdrawn.get_absolute_url()).content.decode()
    assert page.count("withdrawn from the register") == 1
    assert "its rating no longer applies" in page
    for contradiction in ("Not yet rated", "Secure", "2.81", "shown for the record", "facilitator left"):
        assert contradiction not in page, contradiction
    assert "Senior leaders: Senior leaders" not in page


def test_the_badge_and_the_api_say_withdrawn_too(client, withdrawn):
    assert "Withdrawn" in client.get(f"/programmes/{withdrawn.slug}/badge.svg").content.decode()
    body = client.get(f"/api/v1/programmes/{withdrawn.slug}/").json()
    assert body["standing"]["label"] == "Withdrawn" and "withdrawn_reason" not in body
    history = client.get(f"/api/v1/programmes/{withdrawn.slug}/rating/history/").json()
    assert [entry["band"] for entry in history] == ["Secure", "Withdrawn"]
