"""Concerns about a programme: anyone raises one; convenors dismiss it with a reason, ask the
provider, or order a re-review (upholding it); the provider reads and responds. Every step is in
the programme's audit trail; upheld concerns are summarised on the public page."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from programmes.lifecycle import rereview_open
from programmes.models import Programme
from programmes.vocabulary import ProgrammeStatus
from qaportal.errors import InvalidTransition, NotPermitted, ValidationFailed
from reviews import audit, policies
from reviews.audit import Action, Change
from reviews.models import CONCERN_OPEN_STATUSES, Concern, ConcernStatus, NotificationKind, ReReviewReason
from reviews.services import required_text

# At most this many concerns from one address in a rolling hour: enough for a person, not a script.
RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 3600
MIN_WHAT_LENGTH = 20


def _rate_limited(client_key: str) -> bool:
    key = f"concern-rate:{client_key}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    return cache.incr(key) > RATE_LIMIT


def concern_raise(*, programme: Programme, what: str, evidence: str, contact: str, client_key: str) -> Concern:
    """Anyone's concern about a published programme; ``client_key`` (the address it came from)
    is rate-limited."""
    what, evidence, contact = what.strip(), evidence.strip(), contact.strip()
    if programme.status != ProgrammeStatus.PUBLISHED:
        raise InvalidTransition("Concerns can be raised only about programmes on the register.")
    if len(what) < MIN_WHAT_LENGTH:
        raise ValidationFailed({"what": [f"Describe the concern in at least {MIN_WHAT_LENGTH} characters."]})
    if _rate_limited(client_key):
        raise ValidationFailed("Too many concerns have been sent from your connection. Try again in an hour.")
    with transaction.atomic():
        concern = Concern.objects.create(programme=programme, what=what, evidence=evidence, contact=contact)
        audit.record(
            actor=None, programme_id=programme.id, action=Action.CONCERN, change=Change("concern", "", "raised")
        )
    return concern


def _locked_for_triage(concern: Concern, by: User) -> Concern:
    if not policies.may_triage_concerns(by):
        raise NotPermitted("Only convenors triage concerns.")
    locked = Concern.objects.select_for_update().get(pk=concern.pk)
    if locked.status not in CONCERN_OPEN_STATUSES:
        raise InvalidTransition(f"This concern is {locked.get_status_display().lower()} already.")
    return locked


def _triage(concern: Concern, by: User, status: str, **fields) -> Concern:
    old = concern.get_status_display()
    concern.status, concern.triaged_by, concern.triaged_at = status, by, timezone.now()
    for name, value in fields.items():
        setattr(concern, name, value)
    concern.save()
    audit.record(
        actor=by,
        programme_id=concern.programme_id,
        action=Action.CONCERN,
        change=Change("concern", old, concern.get_status_display()),
    )
    return concern


def concern_dismiss(*, concern: Concern, by: User, reason: str) -> Concern:
    reason = required_text(reason, "reason", "Give the reason for dismissing this concern.")
    with transaction.atomic():
        return _triage(_locked_for_triage(concern, by), by, ConcernStatus.DISMISSED, convenor_note=reason)


def concern_ask_provider(*, concern: Concern, by: User, question: str) -> Concern:
    """Ask the provider to respond; its editors are e-mailed and see the concern on their pages."""
    from reviews.services import notify

    question = required_text(question, "question", "Say what you would like the provider to answer.")
    with transaction.atomic():
        concern = _triage(_locked_for_triage(concern, by), by, ConcernStatus.ASKED_PROVIDER, convenor_note=question)
        notify(kind=NotificationKind.CONCERN_QUESTION, programme_id=concern.programme_id)
    return concern


def concern_order_rereview(*, concern: Concern, by: User, public_summary: str) -> Concern:
    """Uphold the concern: the programme is re-reviewed through the usual assignment and
    moderation, and its new published reviews replace the rating. ``public_summary`` is shown on
    the programme's page."""
    public_summary = required_text(public_summary, "public_summary", "Write the summary the public will read.")
    with transaction.atomic():
        concern = _locked_for_triage(concern, by)
        rereview_open(programme=concern.programme, by=by, reason=ReReviewReason.CONCERN, concern=concern)
        return _triage(concern, by, ConcernStatus.UPHELD, public_summary=public_summary)


def concern_provider_respond(*, concern: Concern, by: User, response: str) -> Concern:
    response = required_text(response, "response", "Enter your response.")
    with transaction.atomic():
        concern = Concern.objects.select_for_update().get(pk=concern.pk)
        if not policies.concerns_for_provider_editor(by).filter(pk=concern.pk).exists():
            raise NotPermitted("This concern is not about one of your programmes.")
        if concern.status not in CONCERN_OPEN_STATUSES:
            raise InvalidTransition(f"This concern is {concern.get_status_display().lower()}; it is closed.")
        concern.provider_response, concern.responded_at = response, timezone.now()
        concern.status = ConcernStatus.PROVIDER_RESPONDED
        concern.save()
        audit.record(
            actor=by,
            programme_id=concern.programme_id,
            action=Action.CONCERN,
            change=Change("concern", "", "responded"),
        )
    return concern


def concerns_for_editor(*, user: User) -> QuerySet[Concern]:
    return policies.concerns_for_provider_editor(user).select_related("programme").order_by("-created_at")


def concerns_to_triage() -> QuerySet[Concern]:
    return Concern.objects.select_related("programme__provider").order_by("status", "created_at")


def upheld_concerns(*, programme: Programme) -> list[Concern]:
    return list(Concern.objects.filter(programme=programme, status=ConcernStatus.UPHELD).order_by("-triaged_at"))
