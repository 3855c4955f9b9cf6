"""Writing the audit trail: who changed which score, state or assignment, when, from what to what.

Changes to what is public (a programme's details, its evidence portfolio, a provider's profile),
the changes asked for and the convenors' decisions on them are all written by ``record_edit``,
whichever page, API call or service made them.

Services call these inside their own transaction, so an event exists exactly when the change does.
``AuditEvent`` is append-only; nothing here updates or deletes one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from reviews.models import AuditEvent


class Action:
    ASSIGNED = "assigned"
    STATE = "state-changed"
    SCORE = "score-changed"
    RATIONALE = "rationale-changed"
    COMMENT = "comment-changed"
    CONFLICT = "conflict-declared"
    PROGRAMME_STATE = "programme-state-changed"
    REREVIEW = "rereview"
    RATING_EXPIRED = "rating-expired"
    CONCERN = "concern"
    FACTS = "facts-updated"
    PROPOSED = "change-proposed"
    DECIDED = "change-decided"
    APPLIED = "change-applied"
    PROFILE = "profile-updated"
    EVIDENCE = "evidence-updated"
    ADMIN = "admin-updated"


# What the audit pages call each action.
ACTION_LABELS = {
    Action.ASSIGNED: "Reviewer assigned",
    Action.STATE: "Review state",
    Action.SCORE: "Score",
    Action.RATIONALE: "Rationale",
    Action.COMMENT: "Comment",
    Action.CONFLICT: "Conflict declared",
    Action.PROGRAMME_STATE: "Programme state",
    Action.REREVIEW: "Re-review",
    Action.RATING_EXPIRED: "Rating expired",
    Action.CONCERN: "Concern",
    Action.FACTS: "Detail updated",
    Action.PROPOSED: "Change asked for",
    Action.DECIDED: "Change decided",
    Action.APPLIED: "Change published",
    Action.PROFILE: "Profile updated",
    Action.EVIDENCE: "Evidence updated",
    Action.ADMIN: "Changed in the admin",
}


@dataclass(frozen=True)
class Change:
    field: str
    old: object
    new: object


def _text(value: object) -> str:
    return "" if value is None else str(value)


def record(*, actor, programme_id: int, action: str, review_id: int | None = None, change: Change | None = None):
    """One event. ``change`` says which field went from what to what, where there is one."""
    return AuditEvent.objects.create(**_fields(actor, programme_id, review_id, action, change))


def record_changes(*, actor, programme_id: int, review_id: int | None, action: str, changes: list[Change]) -> None:
    """Several events of one kind in one INSERT: a draft that changes twenty scores at once."""
    AuditEvent.objects.bulk_create(
        AuditEvent(**_fields(actor, programme_id, review_id, action, change)) for change in changes
    )


def record_edit(
    *, actor, action: str, fields: dict[str, list], programme_id: int | None = None, provider_id: int | None = None
) -> None:
    """The one record of a change to what is public: one event per field, ``fields`` being
    ``{name: [before, after]}`` (a programme's, or a provider's own when ``programme_id`` is None)."""
    about = {"actor": actor, "programme_id": programme_id, "provider_id": provider_id, "action": action}
    AuditEvent.objects.bulk_create(
        AuditEvent(**about, field=name, old_value=_shown(old), new_value=_shown(new))
        for name, (old, new) in fields.items()
    )


def _json(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def differences(instance, data: dict, names: tuple[str, ...]) -> dict[str, list]:
    """``{name: [stored, typed]}`` for the fields of ``instance`` that ``data`` changes (as JSON
    values: sets as sorted lists); empty and missing count as the same."""
    changed = {}
    for name in names:
        if name not in data:
            continue
        old, new = _json(getattr(instance, name)), _json(data[name])
        if old != new and not (old in (None, "") and new in (None, "")):
            changed[name] = [old, new]
    return changed


def _shown(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(item) for item in value)
    return _text(value)


def record_state(*, actor, programme_id: int, review_id: int | None, old: str, new: str) -> None:
    action = Action.STATE if review_id else Action.PROGRAMME_STATE
    record(actor=actor, programme_id=programme_id, review_id=review_id, action=action, change=Change("state", old, new))


def _fields(actor, programme_id, review_id, action, change) -> dict:
    fields = {"actor": actor, "programme_id": programme_id, "review_id": review_id, "action": action}
    if change is not None:
        fields.update(field=change.field, old_value=_text(change.old), new_value=_text(change.new))
    return fields
