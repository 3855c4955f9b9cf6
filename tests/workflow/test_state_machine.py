"""The review and programme state machines: impossible moves refused clearly, repeats harmless."""

import pytest

from programmes import lifecycle
from programmes.lifecycle import programme_step
from programmes.vocabulary import ProgrammeStatus
from qaportal.errors import InvalidTransition
from reviews import services
from reviews.models import Review, ReviewState
from reviews.state_machine import review_step
from tests import factories


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        (ReviewState.ASSIGNED, "save_draft", ReviewState.IN_PROGRESS),
        (ReviewState.IN_PROGRESS, "submit", ReviewState.SUBMITTED),
        (ReviewState.RETURNED, "save_draft", ReviewState.RETURNED),
        (ReviewState.RETURNED, "submit", ReviewState.SUBMITTED),
        (ReviewState.SUBMITTED, "accept", ReviewState.ACCEPTED),
        (ReviewState.ACCEPTED, "return", ReviewState.RETURNED),
        (ReviewState.ACCEPTED, "publish", ReviewState.PUBLISHED),
        (ReviewState.PUBLISHED, "withdraw", ReviewState.WITHDRAWN),
        (ReviewState.IN_PROGRESS, "release", ReviewState.RELEASED),
    ],
)
def test_the_review_moves_the_workflow_allows(state, action, expected):
    assert review_step(state, action).new == expected


@pytest.mark.parametrize(
    ("state", "action", "message"),
    [
        (ReviewState.ASSIGNED, "accept", "This review is assigned, so it cannot be accepted."),
        (ReviewState.PUBLISHED, "submit", "This review is published, so it cannot be submitted."),
        (ReviewState.SUBMITTED, "publish", "This review is submitted, so it cannot be published."),
        (ReviewState.RELEASED, "save_draft", "This review is released (conflict declared), so it cannot be edited."),
        (ReviewState.SUBMITTED, "release", "This review is submitted, so it cannot be released"),
    ],
)
def test_an_impossible_review_move_is_refused_with_a_clear_message(state, action, message):
    with pytest.raises(InvalidTransition) as refused:
        review_step(state, action)
    assert refused.value.message.startswith(message)


def test_repeating_a_move_that_already_happened_is_a_harmless_repeat():
    assert review_step(ReviewState.SUBMITTED, "submit").is_repeat
    assert review_step(ReviewState.ACCEPTED, "accept").is_repeat
    assert programme_step(ProgrammeStatus.PUBLISHED, "publish").is_repeat


def test_an_impossible_programme_move_is_refused():
    with pytest.raises(InvalidTransition, match="This programme is draft, so it cannot be published"):
        programme_step(ProgrammeStatus.DRAFT, "publish")
    with pytest.raises(InvalidTransition, match="withdrawn, so it cannot be submitted for review"):
        programme_step(ProgrammeStatus.WITHDRAWN, "submit")


@pytest.mark.django_db
def test_a_double_submission_through_the_service_changes_nothing(reviewer, submitted_programme):
    review = factories.make_review(submitted_programme, reviewer, state=ReviewState.IN_PROGRESS, scores=3)
    inputs = {
        row.criterion_id: services.ScoreInput(3, "Clear, consistent evidence here.") for row in review.scores.all()
    }
    first = services.review_submit(review=review, by=reviewer, scores=inputs, no_conflict_confirmed=True)
    again = services.review_submit(review=first, by=reviewer, scores=inputs, no_conflict_confirmed=True)
    assert again.state == ReviewState.SUBMITTED and again.submitted_at == first.submitted_at
    assert review.audit_events.filter(action="state-changed", new_value="submitted").count() == 1


@pytest.mark.django_db
def test_a_second_submission_from_a_stale_page_is_harmless_too(reviewer, submitted_programme):
    """A double click: the second request still holds the review as it was before the first."""
    review = factories.make_review(submitted_programme, reviewer, state=ReviewState.IN_PROGRESS, scores=3)
    stale = Review.objects.get(pk=review.pk)
    inputs = {
        row.criterion_id: services.ScoreInput(3, "Clear, consistent evidence here.") for row in review.scores.all()
    }
    services.review_submit(review=review, by=reviewer, scores=inputs, no_conflict_confirmed=True)
    again = services.review_submit(review=stale, by=reviewer, scores=inputs, no_conflict_confirmed=True)
    assert again.state == ReviewState.SUBMITTED
    assert review.audit_events.filter(new_value="submitted").count() == 1


@pytest.mark.django_db
def test_accepting_a_review_twice_is_harmless_but_publishing_an_unaccepted_one_is_refused(
    convenor, reviewer, submitted_programme
):
    review = factories.make_review(submitted_programme, reviewer, state=ReviewState.SUBMITTED)
    services.review_accept(review=review, by=convenor)
    services.review_accept(review=review, by=convenor)
    assert review.audit_events.filter(new_value="accepted").count() == 1
    with pytest.raises(InvalidTransition, match="it needs 2 before it can be published"):
        lifecycle.programme_publish(programme=submitted_programme, by=convenor)
