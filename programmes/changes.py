"""Changes to what is already public: a published programme's details, a provider's profile, a reply.

Factual details (cost, funding, regions, contact, booking link, next start) are applied at once and
recorded; what the reviewers assessed (including the evidence portfolio) goes to a convenor, who
decides whether the rating stands or a re-review is needed, and a re-review runs the accreditation
cycle's (``programmes.lifecycle.rereview_open``); public text in the provider's own words is
published once a convenor approves it. Every change, request and decision is in the audit trail
(``reviews.audit.record_edit``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from programmes import policies
from programmes.models import EvidenceStatement, Programme, ProgrammeChange, ProviderResponse
from programmes.search import refresh_search_vectors
from providers.models import Provider
from qaportal.errors import InvalidTransition, NotPermitted, ValidationFailed
from reviews import audit

if TYPE_CHECKING:
    from programmes.services import EvidenceInput

Kind, State = ProgrammeChange.Kind, ProgrammeChange.State

DECISIONS = {
    "approve": State.APPROVED,
    "re-review": State.RE_REVIEW,
    "reject": State.REJECTED,
}


def _apply(instance, fields: dict[str, list]) -> None:
    for name, (_, new) in fields.items():
        setattr(instance, name, new)
    instance.save()
    instance.refresh_from_db()


def _record(*, by: User, programme_id: int, action: str, fields: dict[str, list]) -> None:
    audit.record_edit(actor=by, action=action, fields=fields, programme_id=programme_id)


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
        facts = audit.differences(programme, data, policies.FACTUAL_FIELDS)
        if facts:
            _apply(programme, facts)
            made[Kind.FACTS] = ProgrammeChange.objects.create(
                provider_id=programme.provider_id, programme=programme, kind=Kind.FACTS, fields=facts,
                state=State.APPLIED, proposed_by=by,
            )  # fmt: skip
            _record(by=by, programme_id=programme.id, action=audit.Action.FACTS, fields=facts)
        for kind, names in ((Kind.REVIEWED, policies.REVIEWED_FIELDS), (Kind.PUBLIC_TEXT, policies.PUBLIC_TEXT_FIELDS)):
            fields = audit.differences(programme, data, names)
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

    public_text = audit.differences(provider, data, policies.PROVIDER_PUBLIC_TEXT_FIELDS)
    with transaction.atomic():
        provider_update(
            provider=provider,
            by=by,
            data={name: value for name, value in data.items() if name not in policies.PROVIDER_PUBLIC_TEXT_FIELDS},
        )
        if not public_text:
            return None
        audit.record_edit(actor=by, action=audit.Action.PROPOSED, fields=public_text, provider_id=provider.id)
        return _propose(by=by, provider=provider, programme=None, kind=Kind.PROVIDER, fields=public_text)


def evidence_differences(programme: Programme, evidence: dict[str, EvidenceInput]) -> dict[str, list]:
    """``{"statement_purpose": [stored, typed], "links_purpose": [...], ...}`` for what differs."""
    stored = {row.element: row for row in EvidenceStatement.objects.filter(programme=programme)}
    changed = {}
    for key, typed in evidence.items():
        row = stored.get(key)
        for part, new in (("statement", typed.statement.strip()), ("links", typed.links.strip())):
            old = getattr(row, part) if row else ""
            if old != new:
                changed[f"{part}_{key}"] = [old, new]
    return changed


def evidence_propose(*, programme: Programme, by: User, evidence: dict[str, EvidenceInput]) -> ProgrammeChange | None:
    """A published programme's portfolio is reviewed evidence: a change to it waits for a convenor,
    who decides whether the rating stands. Returns None if nothing differs from what is stored."""
    from programmes.services import evidence_check

    if not policies.may_change_published(by, programme):
        raise NotPermitted("Only a published programme of your own provider can be changed this way.")
    evidence_check(evidence)
    with transaction.atomic():
        fields = evidence_differences(programme, evidence)
        if not fields:
            ProgrammeChange.objects.filter(programme=programme, kind=Kind.EVIDENCE, state=State.PENDING).delete()
            return None
        _record(by=by, programme_id=programme.id, action=audit.Action.PROPOSED, fields=fields)
        return _propose(by=by, provider=programme.provider, programme=programme, kind=Kind.EVIDENCE, fields=fields)


def _stored_evidence(programme: Programme) -> dict[str, str]:
    values = {}
    for row in EvidenceStatement.objects.filter(programme=programme):
        values[f"statement_{row.element}"], values[f"links_{row.element}"] = row.statement, row.links
    return values


def proposed_evidence(programme: Programme) -> dict[str, str]:
    """The evidence form's starting values: what is stored, with any change still waiting on top."""
    values = _stored_evidence(programme)
    pending = ProgrammeChange.objects.filter(programme=programme, kind=Kind.EVIDENCE, state=State.PENDING).first()
    for name, (_, new) in pending.fields.items() if pending else ():
        values[name] = new
    return values


def _evidence_of(fields: dict[str, list], programme: Programme) -> dict[str, EvidenceInput]:
    from programmes.services import EvidenceInput

    current = _stored_evidence(programme) | {name: new for name, (_, new) in fields.items()}
    keys = {name.split("_", 1)[1] for name in fields}
    return {
        key: EvidenceInput(statement=current.get(f"statement_{key}", ""), links=current.get(f"links_{key}", ""))
        for key in keys
    }


def _programme_of(change: ProgrammeChange) -> Programme:
    if change.programme is None:  # only a provider's change names no programme
        raise ValueError(f"A {change.kind} change names no programme")
    return change.programme


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
    elif change.kind == Kind.EVIDENCE:
        from programmes.services import evidence_write

        programme = _programme_of(change)
        evidence_write(programme=programme, evidence=_evidence_of(change.fields, programme))
    else:
        programme = _programme_of(change)
        _apply(programme, change.fields)
        refresh_search_vectors(programme_ids=[programme.id])
    if change.programme_id:
        _record(by=by, programme_id=change.programme_id, action=audit.Action.APPLIED, fields=change.fields)


# Changes a convenor may answer with a re-review: the programme is no longer what was reviewed.
RE_REVIEWABLE = (Kind.REVIEWED, Kind.EVIDENCE)


def _check_decision(change: ProgrammeChange, by: User, decision: str, note: str) -> None:
    if not policies.may_decide_changes(by):
        raise NotPermitted("Only a convenor decides on changes to published programmes.")
    if decision not in DECISIONS:
        raise ValidationFailed(
            {"decision": ["Choose whether to approve the change, ask for a re-review, or reject it."]}
        )
    if decision == "re-review" and change.kind not in RE_REVIEWABLE:
        raise ValidationFailed({"decision": ["A re-review applies only to changes to what was reviewed."]})
    if decision == "reject" and not note.strip():
        raise ValidationFailed({"note": ["Say why the change is not approved; the provider reads this."]})


def change_decide(*, change: ProgrammeChange, by: User, decision: str, note: str = "") -> ProgrammeChange:
    """A convenor's decision: approve (the rating stands), approve with a re-review, or reject.

    A re-review is the accreditation cycle's: the programme joins the review queue, its rating
    stands (shown as under re-review) until the new reviews are published, and the provider is told."""
    from programmes.lifecycle import rereview_open
    from reviews.models import ReReviewReason

    _check_decision(change, by, decision, note)
    with transaction.atomic():
        change = ProgrammeChange.objects.select_for_update().get(pk=change.pk)
        if change.state != State.PENDING:
            raise InvalidTransition(f"This change has already been decided ({change.get_state_display().lower()}).")
        if decision != "reject":
            _publish(change, by)
        if decision == "re-review":
            rereview_open(programme=_programme_of(change), by=by, reason=ReReviewReason.CHANGE)
        change.state, change.decided_by, change.decided_at = DECISIONS[decision], by, timezone.now()
        change.decision_note = note.strip()
        change.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        outcome = change.get_state_display() + (f": {change.decision_note}" if change.decision_note else "")
        audit.record_edit(
            actor=by,
            action=audit.Action.DECIDED,
            fields={change.get_kind_display().lower(): [State.PENDING.label, outcome]},
            programme_id=change.programme_id,
            provider_id=None if change.programme_id else change.provider_id,
        )
    return change
