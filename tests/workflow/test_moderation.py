"""Moderation: accept, return, publish when enough are accepted, withdraw; and the e-mails."""

import pytest

from programmes import lifecycle
from programmes.vocabulary import ProgrammeStatus
from qaportal.errors import InvalidTransition, ValidationFailed
from ratings.models import StaleRating
from reviews import services
from reviews.models import Notification, ReviewState
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(submitted_programme):
    submitted_programme.status = ProgrammeStatus.IN_REVIEW
    submitted_programme.save()
    return submitted_programme


def test_publishing_needs_the_frameworks_minimum_of_accepted_reviews(client, convenor, reviewer, in_review):
    factories.make_review(in_review, reviewer, state=ReviewState.ACCEPTED)
    client.force_login(convenor)
    html = client.post(f"/convenor/programmes/{in_review.slug}/publish/", follow=True).content.decode()
    assert "This programme has 1 accepted review; it needs 2 before it can be published." in html
    in_review.refresh_from_db()
    assert in_review.status == ProgrammeStatus.IN_REVIEW
    assert not StaleRating.objects.filter(programme=in_review).exists()


def test_publishing_publishes_accepted_reviews_withdraws_outstanding_ones_and_marks_the_rating_stale(
    convenor, reviewer, other_reviewer, in_review, mailoutbox, provider_editor
):
    first = factories.make_review(in_review, reviewer, state=ReviewState.ACCEPTED)
    second = factories.make_review(in_review, other_reviewer, state=ReviewState.ACCEPTED)
    late = factories.make_review(in_review, factories.make_user(role="reviewer"), state=ReviewState.IN_PROGRESS)
    lifecycle.programme_publish(programme=in_review, by=convenor)
    for review in (first, second, late):
        review.refresh_from_db()
    in_review.refresh_from_db()
    assert in_review.status == ProgrammeStatus.PUBLISHED and in_review.published_at
    assert first.state == second.state == ReviewState.PUBLISHED and first.published_at == in_review.published_at
    assert late.state == ReviewState.WITHDRAWN
    assert StaleRating.objects.filter(programme=in_review).exists()
    # The editors are told, without any reviewer's name.
    notification = Notification.objects.get(programme=in_review, kind="published")
    services.notification_send(notification_id=notification.id)
    assert mailoutbox[-1].to == ["editor-ann@example.org"]
    assert "reviewer-rob" not in mailoutbox[-1].body and "/provider/programmes/" in mailoutbox[-1].body
    # Publishing again changes nothing.
    lifecycle.programme_publish(programme=in_review, by=convenor)
    assert Notification.objects.filter(programme=in_review, kind="published").count() == 1


def test_a_returned_review_goes_back_with_the_comment_and_an_email(client, convenor, reviewer, in_review, mailoutbox):
    review = factories.make_review(in_review, reviewer, state=ReviewState.SUBMITTED)
    client.force_login(convenor)
    empty = client.post(f"/convenor/reviews/{review.id}/return/", {"comment": "  "}).content.decode()
    assert "Say what the reviewer should change." in empty
    client.post(f"/convenor/reviews/{review.id}/return/", {"comment": "Cite the evidence for R3."})
    review.refresh_from_db()
    assert (review.state, review.return_comment) == (ReviewState.RETURNED, "Cite the evidence for R3.")
    services.notification_send(notification_id=Notification.objects.get(review=review, kind="returned").id)
    assert mailoutbox[-1].to == ["reviewer-rob@example.org"] and "Cite the evidence for R3." in mailoutbox[-1].body


def test_an_assigned_review_cannot_be_accepted(client, convenor, reviewer, in_review):
    review = factories.make_review(in_review, reviewer, state=ReviewState.ASSIGNED, scores=None)
    client.force_login(convenor)
    html = client.post(f"/convenor/reviews/{review.id}/accept/", follow=True).content.decode()
    assert "This review is assigned, so it cannot be accepted." in html


def test_withdrawing_a_published_review_marks_the_rating_stale(client, convenor, reviewer, provider):
    programme = factories.make_programme(provider, status=ProgrammeStatus.PUBLISHED)
    review = factories.make_review(programme, reviewer, state=ReviewState.PUBLISHED)
    client.force_login(convenor)
    client.post(f"/convenor/reviews/{review.id}/withdraw/", {"reason": "An undeclared conflict came to light."})
    review.refresh_from_db()
    assert review.state == ReviewState.WITHDRAWN
    assert StaleRating.objects.filter(programme=programme).exists()
    assert review.audit_events.filter(new_value="An undeclared conflict came to light.").exists()
    with pytest.raises(InvalidTransition, match="only a published review can be withdrawn"):
        services.review_withdraw(
            review=factories.make_review(programme, factories.make_user(role="reviewer"), state=ReviewState.SUBMITTED),
            by=convenor,
            reason="x",
        )


def test_a_convenor_withdraws_a_published_programme_with_a_reason(client, convenor, reviewer, provider):
    programme = factories.make_programme(provider, status=ProgrammeStatus.PUBLISHED)
    factories.make_review(programme, reviewer, state=ReviewState.PUBLISHED)
    client.force_login(convenor)
    url = f"/convenor/programmes/{programme.slug}/withdraw/"
    assert "Give the reason for withdrawing." in client.post(url, {"reason": ""}).content.decode()
    client.post(url, {"reason": "The provider has closed."})
    programme.refresh_from_db()
    assert (programme.status, programme.withdrawn_reason) == (ProgrammeStatus.WITHDRAWN, "The provider has closed.")
    assert StaleRating.objects.filter(programme=programme).exists()


def test_a_return_needs_a_comment_in_the_service_too(convenor, reviewer, in_review):
    review = factories.make_review(in_review, reviewer, state=ReviewState.SUBMITTED)
    with pytest.raises(ValidationFailed) as refused:
        services.review_return(review=review, by=convenor, comment="")
    assert refused.value.field_errors == {"comment": ["Say what the reviewer should change."]}


def test_a_notification_is_sent_once_however_often_the_task_runs(convenor, reviewer, in_review, mailoutbox):
    from reviews.tasks import send_notification

    review = services.review_assign(programme=in_review, reviewer=reviewer, by=convenor)
    notification = Notification.objects.get(review=review)
    assert send_notification(notification.id) is True
    assert send_notification(notification.id) is False
    assert len(mailoutbox) == 1 and f"/reviewer/reviews/{review.id}/" in mailoutbox[0].body
    notification.refresh_from_db()
    assert notification.sent_at and notification.recipients == "reviewer-rob@example.org"


def test_the_queue_and_the_moderation_page_have_bounded_queries(
    client, convenor, reviewer, other_reviewer, provider, django_assert_max_num_queries
):
    for _ in range(12):
        programme = factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW)
        factories.make_review(programme, reviewer, state=ReviewState.SUBMITTED)
        factories.make_review(programme, other_reviewer, state=ReviewState.ACCEPTED)
    client.force_login(convenor)
    with django_assert_max_num_queries(8):
        html = client.get("/convenor/?status=in-review").content.decode()
    assert html.count("/convenor/programmes/") == 12
    with django_assert_max_num_queries(14):
        client.get(f"/convenor/programmes/{programme.slug}/")
    with django_assert_max_num_queries(8):
        client.get(f"/convenor/programmes/{programme.slug}/audit/")


def test_a_convenor_releases_an_unfinished_assignment_with_a_reason_and_can_assign_someone_else(
    client, convenor, reviewer, other_reviewer, in_review
):
    review = factories.make_review(in_review, reviewer, state=ReviewState.IN_PROGRESS, scores=None)
    client.force_login(convenor)

    empty = client.post(f"/convenor/reviews/{review.id}/release/", {"reason": ""})
    assert "Give the reason for releasing this reviewer." in empty.content.decode()

    page = client.post(f"/convenor/reviews/{review.id}/release/", {"reason": "Cannot finish in time."}, follow=True)

    assert "reviewer-rob has been released from this review." in page.content.decode()
    review.refresh_from_db()
    assert review.state == ReviewState.RELEASED
    audit = client.get(f"/convenor/programmes/{in_review.slug}/audit/").content.decode()
    assert "Cannot finish in time." in audit
    services.review_assign(programme=in_review, reviewer=other_reviewer, by=convenor)


def test_a_submitted_review_cannot_be_released(convenor, reviewer, in_review):
    review = factories.make_review(in_review, reviewer, state=ReviewState.SUBMITTED)
    with pytest.raises(InvalidTransition):
        services.review_release(review=review, by=convenor, reason="Too late.")
