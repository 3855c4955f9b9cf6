"""The one family of domain errors for the whole register.

Services raise these; nothing else does. Each front door maps them once: HTML views turn them
into form errors or a 404 (``apply_to_form`` below), the API turns them into 400/403/404/409.

- ``InvalidTransition``: the object is in a state that does not allow the action (API: 409).
- ``NotPermitted``: this user may not do this to this object (API: 403, or 404 where the object's
  existence must not leak).
- ``ValidationFailed``: the input is wrong; carries errors per field (API: 400).
"""

from __future__ import annotations

from django import forms

NON_FIELD = "__all__"


class DomainError(Exception):
    """Base of every error a service raises on purpose; ``message`` is written for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidTransition(DomainError):
    """The action is impossible from the object's current state."""


class NotPermitted(DomainError):
    """The user may not do this to this object."""


class ValidationFailed(DomainError):
    """Bad input. ``field_errors`` maps a field name (or ``"__all__"``) to its messages."""

    def __init__(self, field_errors: dict[str, list[str]] | str):
        if isinstance(field_errors, str):
            field_errors = {NON_FIELD: [field_errors]}
        self.field_errors = field_errors
        super().__init__("; ".join(message for messages in field_errors.values() for message in messages))


def apply_to_form(form: forms.BaseForm, error: DomainError) -> None:
    """Show a domain error on a form: field errors beside their fields, the rest in the summary."""
    if isinstance(error, ValidationFailed):
        for field_name, messages in error.field_errors.items():
            target = field_name if field_name in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        form.add_error(None, error.message)
