"""Expiry and reaccreditation: validity from publication, reminders sent once, expiry at the
boundary, the expired rating shown and left out of the provider's aggregate, and resubmission."""

from datetime import timedelta

import pytest
from django.utils import timezone

from programmes import lifecycle
from ratings.engine import recompute_all
from ratings.models import ProgrammeRating, ProviderRating, RatingValidity
from reviews import accreditation, services
from reviews.audit import Action
from reviews.models import AuditEvent, ExpiryReminder, Notification, Review, ReviewState
from tests import factories
from tests.workflow.conftest import published_through_the_service, review_through_the_workflow

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(provider, convenor, reviewer, other_reviewer):
    return published_through_the_service(provider, convenor, (reviewer, other_reviewer), title="Leading Reading")


def validity_of(programme) -> RatingValidity:
    return RatingValidity.objects.get(programme=programme)


def test_a_published_rating_is_valid_for_the_frameworks_period_from_publication(published, framework):
    validity = validity_of(published)
    published.refresh_from_db()
    assert validity.valid_from == published.published_at
    assert framework.validity_months == 36
    assert validity.expires_at == validity.valid_from.replace(year=validity.valid_from.year + 3)


def test_months_are_added_to_the_calendar_day_or_the_last_day_of_a_shorter_month():
    moment = timezone.now().replace(year=2026, month=8, day=31)
    assert accreditation.add_months(moment, 6).date().isoformat() == "2027-02-28"
    assert accreditation.add_months(moment, 36).date().isoformat() == "2029-08-31"


def test_a_rating_expires_on_its_expiry_and_not_a_day_before(published):
    expires_at = validity_of(published).expires_at
    assert accreditation.ratings_expire(now=expires_at - timedelta(days=1)) == 0
    assert not validity_of(published).is_expired
    assert accreditation.ratings_expire(now=expires_at + timedelta(days=1)) == 1
    assert validity_of(published).is_expired
    assert accreditation.ratings_expire(now=expires_at + timedelta(days=2)) == 0  # idempotent
    assert AuditEvent.objects.filter(programme=published, action=Action.RATING_EXPIRED).count() == 1


def test_reminders_go_90_and_30_days_before_each_exactly_once(published, provider_editor, mailoutbox):
    expires_at = validity_of(published).expires_at
    assert accreditation.expiry_reminders_send(now=expires_at - timedelta(days=91)) == 0
    for day in (90, 89, 60, 31):
        accreditation.expiry_reminders_send(now=expires_at - timedelta(days=day))
    assert list(ExpiryReminder.objects.values_list("days_before", flat=True)) == [90]
    for day in (30, 29, 1):
        accreditation.expiry_reminders_send(now=expires_at - timedelta(days=day))
    assert sorted(ExpiryReminder.objects.values_list("days_before", flat=True)) == [30, 90]

    for _ in range(2):  # a resent task message sends nothing twice
        for reminder in ExpiryReminder.objects.all():
            services.notification_send(notification_id=reminder.notification_id)
    reminders = [mail for mail in mailoutbox if "expires in" in mail.subject]
    assert sorted(mail.subject.rsplit(" ", 2)[-2] for mail in reminders) == ["30", "90"]
    assert all(mail.to == ["editor-ann@example.org"] for mail in reminders)
    assert "resubmit" in reminders[0].body


def test_an_expired_rating_shows_as_expired_everywhere_and_leaves_the_providers_aggregate(client, published, provider):
    assert ProviderRating.objects.get(provider=provider).rated_programmes == 1
    accreditation.ratings_expire(now=validity_of(published).expires_at)
    recompute_all()

    assert ProviderRating.objects.get(provider=provider).rated_programmes == 0
    assert ProgrammeRating.objects.get(programme=published).band_rank is not None  # kept in the history
    page = client.get(published.get_absolute_url()).content.decode()
    assert "This rating expired on" in page
    assert "(expired)" in client.get(f"/programmes/{published.slug}/badge.svg").content.decode()
    api = client.get(f"/api/v1/programmes/{published.slug}/").json()
    assert api["rating_validity"]["expired"] is True
    # The directory's "Expired" tag and "Hide expired" filter: tests/directory/test_expired_ratings.py.


def test_the_convenors_queue_lists_expiring_and_expired_ratings(client, convenor, published):
    client.force_login(convenor)
    assert published.title not in client.get("/convenor/expiring/").content.decode()
    RatingValidity.objects.filter(programme=published).update(expires_at=timezone.now() + timedelta(days=40))
    page = client.get("/convenor/expiring/").content.decode()
    assert published.title in page and "Expiring" in page


def test_a_resubmitted_programme_is_re_reviewed_and_the_new_reviews_replace_the_rating(
    client, published, provider_editor, convenor, mailoutbox
):
    old_reviews = list(Review.objects.filter(programme=published))
    accreditation.ratings_expire(now=validity_of(published).expires_at)
    client.force_login(provider_editor)
    client.post(f"/provider/programmes/{published.slug}/resubmit/")
    assert lifecycle.open_rereview(published) is not None
    client.force_login(convenor)
    assert published.title in client.get("/convenor/", {"status": "re-review"}).content.decode()
    client.force_login(provider_editor)
    # The portfolio is carried over for editing while the programme stays on the register.
    assert client.get(f"/provider/programmes/{published.slug}/edit/").status_code == 200

    newcomers = [factories.make_user(f"reviewer-new-{n}", role="reviewer") for n in (1, 2)]
    for reviewer in newcomers:
        review_through_the_workflow(published, reviewer, convenor, level=2)
    lifecycle.programme_publish(programme=published, by=convenor)
    recompute_all()

    assert {r.state for r in Review.objects.filter(pk__in=[r.pk for r in old_reviews])} == {ReviewState.SUPERSEDED}
    rating = ProgrammeRating.objects.get(programme=published)
    assert rating.review_count == 2 and rating.raw_mean == pytest.approx(2.0)
    assert not validity_of(published).is_expired
    assert lifecycle.open_rereview(published) is None
    assert Notification.objects.filter(programme=published, kind="published").count() == 2
