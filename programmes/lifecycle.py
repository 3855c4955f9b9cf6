"""The programme's lifecycle: its state machine and every change of its status, in one place.

Programme: draft → submitted → in-review → published → withdrawn (withdrawn from any live state);
a published programme goes back into review (a re-review) without leaving the register.

Submitting and withdrawing are the provider's (withdrawing a convenor's too); putting it into
review, publishing and re-reviewing are the convenors'. The reviews' own states are
``reviews.state_machine``'s; publishing and withdrawing move them through ``reviews.services``.

Withdrawn is the end state, so it says nothing on its own about what the world has seen: a
withdrawn programme stays public (marked "Withdrawn") only if it was published before.
``PROGRAMME_PUBLIC`` is that rule; every public read uses it.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from programmes import policies
from programmes.models import Programme
from programmes.vocabulary import ElementKey, ProgrammeStatus
from qaportal.errors import InvalidTransition, NotPermitted, ValidationFailed
from qaportal.transitions import Step, Transition, next_step
from ratings.services import mark_programme_rating_stale
from reviews import audit
from reviews import policies as review_policies
from reviews.audit import Action, Change
from reviews.models import Concern, NotificationKind, ReReview, ReReviewReason, Review, ReviewState

P = ProgrammeStatus

# A programme the public may read: published, or withdrawn after it had been published.
PROGRAMME_PUBLIC = Q(status=P.PUBLISHED) | Q(status=P.WITHDRAWN, published_at__isnull=False)

PROGRAMME_TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({P.DRAFT}), P.SUBMITTED, "submitted for review"),
    "start_review": Transition(frozenset({P.SUBMITTED}), P.IN_REVIEW, "put into review"),
    "publish": Transition(frozenset({P.IN_REVIEW}), P.PUBLISHED, "published"),
    "withdraw": Transition(frozenset({P.DRAFT, P.SUBMITTED, P.IN_REVIEW, P.PUBLISHED}), P.WITHDRAWN, "withdrawn"),
}


def _programme_label(status: str) -> str:
    return ProgrammeStatus(status).label


def programme_step(current: str, action: str) -> Step:
    return next_step(PROGRAMME_TRANSITIONS, "programme", _programme_label, current, action)


def _programme_transition(programme: Programme, action: str, by: User, **stamps: object) -> bool:
    step = programme_step(programme.status, action)
    if step.is_repeat:
        return False
    Programme.objects.filter(pk=programme.pk).update(status=step.new, **stamps)
    programme.status = step.new
    for name, value in stamps.items():
        setattr(programme, name, value)
    audit.record_state(actor=by, programme_id=programme.id, review_id=None, old=step.old, new=step.new)
    return True


def programme_submit(*, programme: Programme, by: User) -> Programme:
    """Submit a draft for review; it needs an evidence statement for every element first."""
    if not policies.edits_provider_of(by, programme):
        raise NotPermitted("You do not edit this programme's provider.")
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        step = programme_step(programme.status, "submit")
        if step.is_repeat:
            return programme
        from reviews.services import notify

        present = set(programme.evidence_statements.values_list("element", flat=True))
        missing = [element.label for element in ElementKey if element.value not in present]
        if missing:
            raise ValidationFailed(
                f"Add an evidence statement for {', '.join(missing)} before submitting the programme."
            )
        programme.status, programme.submitted_at = step.new, timezone.now()
        programme.save(update_fields=["status", "submitted_at", "updated_at"])
        audit.record_state(actor=by, programme_id=programme.id, review_id=None, old=step.old, new=step.new)
        notify(kind=NotificationKind.SUBMITTED, programme_id=programme.id)
    return programme


def programme_withdraw(*, programme: Programme, by: User, reason: str) -> Programme:
    """Take a programme off the register (or out of review), with its reviews and its rating."""
    from reviews.services import notify, reviews_withdraw_for_programme

    if not policies.may_withdraw_programme(by, programme):
        raise NotPermitted("You may not withdraw this programme.")
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": ["Give the reason for withdrawing the programme."]})
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        step = programme_step(programme.status, "withdraw")
        if step.is_repeat:
            return programme
        reviews_withdraw_for_programme(programme=programme, by=by)
        programme.status, programme.withdrawn_reason = step.new, reason
        programme.save(update_fields=["status", "withdrawn_reason", "updated_at"])
        audit.record_state(actor=by, programme_id=programme.id, review_id=None, old=step.old, new=step.new)
        audit.record(
            actor=by,
            programme_id=programme.id,
            action=Action.COMMENT,
            change=Change("withdrawal reason", "", reason),
        )
        mark_programme_rating_stale(programme_id=programme.id)
        notify(kind=NotificationKind.WITHDRAWN, programme_id=programme.id)
    return programme


def programme_start_review(*, programme: Programme, by: User) -> None:
    """A reviewer assigned puts a submitted programme into review (in the caller's transaction,
    which holds the programme's row lock)."""
    if programme.status != ProgrammeStatus.PUBLISHED:  # a re-review leaves it on the register
        _programme_transition(programme, "start_review", by)


def in_review_round(programme: Programme) -> bool:
    """Whether reviewers may be assigned and reviews published: a submitted or in-review
    programme, or a published one under re-review (its rating stands meanwhile)."""
    if programme.status in (ProgrammeStatus.SUBMITTED, ProgrammeStatus.IN_REVIEW):
        return True
    return programme.status == ProgrammeStatus.PUBLISHED and open_rereview(programme) is not None


def programme_publish(*, programme: Programme, by: User) -> Programme:
    """Publish a programme once enough reviews are accepted: they become its published reviews,
    reviews still outstanding are withdrawn, its rating is valid from now for the framework's
    period, and it is recomputed after commit. For a programme under re-review, the published
    reviews it had are superseded (kept in the history) and the new ones replace them."""
    from reviews.accreditation import validity_start
    from reviews.services import live_framework, notify, reviews_publish_for_programme

    if not review_policies.may_moderate(by):
        raise NotPermitted("Only convenors publish programmes.")
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if not in_review_round(programme):
            if programme.status == ProgrammeStatus.PUBLISHED:
                return programme
            programme_step(programme.status, "publish")  # refuses with the reason
        accepted = list(Review.objects.select_for_update().filter(programme=programme, state=ReviewState.ACCEPTED))
        framework = live_framework()
        if len(accepted) < framework.min_reviews:
            raise InvalidTransition(
                f"This programme has {len(accepted)} accepted review{'s' if len(accepted) != 1 else ''}; "
                f"it needs {framework.min_reviews} before it can be published."
            )
        now = timezone.now()
        rereview = rereview_close(programme=programme, by=by)
        if rereview is None:
            _programme_transition(programme, "publish", by, published_at=now)
        reviews_publish_for_programme(programme=programme, accepted=accepted, by=by, at=now)
        validity_start(programme_id=programme.id, framework=framework, at=now)
        mark_programme_rating_stale(programme_id=programme.id)
        notify(kind=NotificationKind.PUBLISHED, programme_id=programme.id)
    return programme


def open_rereview(programme: Programme) -> ReReview | None:
    return ReReview.objects.filter(programme=programme, closed_at__isnull=True).first()


def programme_resubmit(*, programme: Programme, by: User) -> ReReview:
    """A provider resubmits a published programme for reaccreditation: its portfolio (the
    programme's description and evidence) stays as it is for the editor to update, and it goes
    back to the convenors' assignment and moderation while its current rating stands."""
    if not review_policies.may_resubmit(by, programme):
        raise NotPermitted("Only the provider's editors resubmit its programmes.")
    return rereview_open(programme=programme, by=by, reason=ReReviewReason.REACCREDITATION)


def rereview_open(*, programme: Programme, by: User, reason: str, concern: Concern | None = None) -> ReReview:
    """The one way a published programme goes back into review, whatever the reason: it joins the
    convenors' re-review queue for the usual assignment and moderation, its rating stands (shown
    as under re-review) until the new reviews are published, and, when a convenor ordered it (a
    concern, a change to what was reviewed), its provider is e-mailed. Opening one already open
    returns it."""
    from reviews.services import notify

    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.status != ProgrammeStatus.PUBLISHED:
            status = programme.get_status_display().lower()
            raise InvalidTransition(f"This programme is {status}; only a published programme is re-reviewed.")
        existing = open_rereview(programme)
        if existing is not None:
            return existing
        rereview = ReReview.objects.create(programme=programme, reason=reason, concern=concern, opened_by=by)
        audit.record(
            actor=by,
            programme_id=programme.id,
            action=Action.REREVIEW,
            change=Change("re-review", "", rereview.get_reason_display()),
        )
        if reason != ReReviewReason.REACCREDITATION:  # the provider asked for that one itself
            notify(kind=NotificationKind.REREVIEW, programme_id=programme.id)
    return rereview


def rereview_close(*, programme: Programme, by: User) -> ReReview | None:
    """Called by the publishing service, in its transaction, once the new reviews are published."""
    rereview = ReReview.objects.select_for_update().filter(programme=programme, closed_at__isnull=True).first()
    if rereview is None:
        return None
    rereview.closed_at = timezone.now()
    rereview.save(update_fields=["closed_at"])
    audit.record(
        actor=by, programme_id=programme.id, action=Action.REREVIEW, change=Change("re-review", "open", "published")
    )
    return rereview
