"""Writing the audit trail: who changed which score, state or assignment, when, from what to what.

Services call these inside their own transaction, so an event exists exactly when the change does.
``AuditEvent`` is append-only; nothing here updates or deletes one.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def record_state(*, actor, programme_id: int, review_id: int | None, old: str, new: str) -> None:
    action = Action.STATE if review_id else Action.PROGRAMME_STATE
    record(actor=actor, programme_id=programme_id, review_id=review_id, action=action, change=Change("state", old, new))


def _fields(actor, programme_id, review_id, action, change) -> dict:
    fields = {"actor": actor, "programme_id": programme_id, "review_id": review_id, "action": action}
    if change is not None:
        fields.update(field=change.field, old_value=_text(change.old), new_value=_text(change.new))
    return fields
