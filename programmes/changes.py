"""Changes to what is already public: a published programme's details, a provider's profile, a reply.

Factual details (cost, funding, regions, contact, booking link, next start) are applied at once and
recorded; what the reviewers assessed goes to a convenor, who decides whether the rating stands
or a re-review is needed; public text in the provider's own words is published once a convenor
approves it. Every change and decision is in the audit trail.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from programmes import policies
from programmes.models import Programme, ProgrammeChange, ProviderResponse
from programmes.search import refresh_search_vectors
from providers.models import Provider
from qaportal.errors import InvalidTransition, NotPermitted, ValidationFailed
from reviews import audit
from reviews.audit import Change

Kind, State = ProgrammeChange.Kind, ProgrammeChange.State

DECISIONS = {
    "approve": State.APPROVED,
    "re-review": State.RE_REVIEW,
    "reject": State.REJECTED,
}


def _json(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _differences(instance, data: dict, names: tuple[str, ...]) -> dict[str, list]:
    changed = {}
    for name in names:
        if name not in data:
            continue
        old, new = _json(getattr(instance, name)), _json(data[name])
        if old != new and not (old in (None, "") and new in (None, "")):
            changed[name] = [old, new]
    return changed


def _apply(instance, fields: dict[str, list]) -> None:
    for name, (_, new) in fields.items():
        setattr(instance, name, new)
    instance.save()
    instance.refresh_from_db()


def _record(*, by: User, programme_id: int, action: str, fields: dict[str, list]) -> None:
    audit.record_changes(
        actor=by,
        programme_id=programme_id,
        review_id=None,
        action=action,
        changes=[Change(name, old, new) for name, (old, new) in fields.items()],
    )


def _propose(*, by: User, provider: Provider, programme: Programme | None, kind: str, fields: dict) -> ProgrammeChange:
    """One pending change per programme (or provider) and kind: asking again replaces the request."""
    pending = ProgrammeChange.objects.filter(provider=provider, programme=programme, kind=kind, state=State.PENDING)
    change = pending.select_for_update().first()
    if change is None:
        return ProgrammeChange.objects.create(
            provider=provider, programme=programme, kind=kind, fields=fields, state=State.PENDING, proposed_by=by
        )
    change.fields = {name: [change.fields.get(name, pair)[0], pair[1]] for name, pair in fields.items()}
    change.proposed_by, change.proposed_at = by, timezone.now()
    change.save(update_fields=["fields", "proposed_by", "proposed_at"])
    return change


def published_programme_update(*, programme: Programme, by: User, data: dict) -> dict[str, ProgrammeChange]:
    """Apply the factual changes now; send the rest to a convenor. Returns the change rows by kind."""
    from programmes.services import _check_length

    if not policies.may_change_published(by, programme):
        raise NotPermitted("Only a published programme of your own provider can be changed this way.")
    _check_length(data)
    made: dict[str, ProgrammeChange] = {}
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        facts = _differences(programme, data, policies.FACTUAL_FIELDS)
        if facts:
            _apply(programme, facts)
            made[Kind.FACTS] = ProgrammeChange.objects.create(
                provider_id=programme.provider_id, programme=programme, kind=Kind.FACTS, fields=facts,
                state=State.APPLIED, proposed_by=by,
            )  # fmt: skip
            _record(by=by, programme_id=programme.id, action=audit.Action.FACTS, fields=facts)
        for kind, names in ((Kind.REVIEWED, policies.REVIEWED_FIELDS), (Kind.PUBLIC_TEXT, policies.PUBLIC_TEXT_FIELDS)):
            fields = _differences(programme, data, names)
            if fields:
                made[kind] = _propose(by=by, provider=programme.provider, programme=programme, kind=kind, fields=fields)
                _record(by=by, programme_id=programme.id, action=audit.Action.PROPOSED, fields=fields)
    return made


def response_propose(*, programme: Programme, by: User, text: str) -> ProgrammeChange | None:
    """The provider's right of reply: published beside the rating once a convenor approves it."""
    if not policies.may_respond(by, programme):
        raise NotPermitted("You can respond only to your own provider's published programmes.")
    text = text.strip()
    if len(text) < 20:
        raise ValidationFailed({"text": ["Write a response of at least 20 characters."]})
    current = ProviderResponse.objects.filter(programme=programme).values_list("text", flat=True).first() or ""
    with transaction.atomic():
        if text == current:
            # Sending the published text again withdraws any change still waiting: nothing to decide.
            ProgrammeChange.objects.filter(programme=programme, kind=Kind.RESPONSE, state=State.PENDING).delete()
            return None
        fields = {"text": [current, text]}
        change = _propose(by=by, provider=programme.provider, programme=programme, kind=Kind.RESPONSE, fields=fields)
        _record(by=by, programme_id=programme.id, action=audit.Action.PROPOSED, fields={"response": [current, text]})
    return change


def provider_profile_update(*, provider: Provider, by: User, data: dict) -> ProgrammeChange | None:
    """Save the profile; a new name or description waits for a convenor before the public sees it."""
    from providers.services import provider_update

    public_text = _differences(provider, data, policies.PROVIDER_PUBLIC_TEXT_FIELDS)
    with transaction.atomic():
        provider_update(
            provider=provider,
            by=by,
            data={name: value for name, value in data.items() if name not in policies.PROVIDER_PUBLIC_TEXT_FIELDS},
        )
        if not public_text:
            return None
        return _propose(by=by, provider=provider, programme=None, kind=Kind.PROVIDER, fields=public_text)


def _publish(change: ProgrammeChange, by: User) -> None:
    if change.kind == Kind.RESPONSE:
        ProviderResponse.objects.update_or_create(
            programme=change.programme, defaults={"text": change.fields["text"][1], "author": change.proposed_by}
        )
    elif change.kind == Kind.PROVIDER:
        from providers.services import provider_update

        provider = Provider.objects.get(pk=change.provider_id)
        new = {name: pair[1] for name, pair in change.fields.items()}
        provider_update(provider=provider, by=by, data=new, as_convenor=True)
    else:
        programme = change.programme
        if programme is None:  # every other kind is a change to one programme
            raise ValueError(f"A {change.kind} change names no programme")
        _apply(programme, change.fields)
        refresh_search_vectors(programme_ids=[programme.id])


def change_decide(*, change: ProgrammeChange, by: User, decision: str, note: str = "") -> ProgrammeChange:
    """A convenor's decision: approve (the rating stands), approve with a re-review, or reject."""
    if not policies.may_decide_changes(by):
        raise NotPermitted("Only a convenor decides on changes to published programmes.")
    if decision not in DECISIONS:
        raise ValidationFailed(
            {"decision": ["Choose whether to approve the change, ask for a re-review, or reject it."]}
        )
    if decision == "re-review" and change.kind != Kind.REVIEWED:
        raise ValidationFailed({"decision": ["A re-review applies only to changes to what was reviewed."]})
    if decision == "reject" and not note.strip():
        raise ValidationFailed({"note": ["Say why the change is not approved; the provider reads this."]})
    with transaction.atomic():
        change = ProgrammeChange.objects.select_for_update().get(pk=change.pk)
        if change.state != State.PENDING:
            raise InvalidTransition(f"This change has already been decided ({change.get_state_display().lower()}).")
        if decision != "reject":
            _publish(change, by)
        change.state, change.decided_by, change.decided_at = DECISIONS[decision], by, timezone.now()
        change.decision_note = note.strip()
        change.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        if change.programme_id:
            audit.record(
                actor=by,
                programme_id=change.programme_id,
                action=audit.Action.DECIDED,
                change=Change(change.get_kind_display().lower(), "waiting", change.get_state_display()),
            )
    return change
