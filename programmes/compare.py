"""The compare list: up to four programmes a visitor has picked, kept in their session (no account)."""

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from qaportal.errors import InvalidTransition

SESSION_KEY = "compare"
MAX_COMPARED = 4


def compared_ids(session: SessionBase) -> list[int]:
    return [int(programme_id) for programme_id in session.get(SESSION_KEY, [])][:MAX_COMPARED]


def has_compare_list(request: HttpRequest) -> bool:
    return bool(compared_ids(request.session))


def compare_add(session: SessionBase, *, programme_id: int) -> None:
    chosen = compared_ids(session)
    if programme_id in chosen:
        return
    if len(chosen) >= MAX_COMPARED:
        raise InvalidTransition(f"You can compare up to {MAX_COMPARED} programmes. Remove one to add another.")
    session[SESSION_KEY] = [*chosen, programme_id]


def compare_remove(session: SessionBase, *, programme_id: int) -> None:
    session[SESSION_KEY] = [chosen for chosen in compared_ids(session) if chosen != programme_id]


def compare_clear(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)
