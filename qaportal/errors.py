"""The one family of domain errors for the whole register.

Services, policies' guards and selectors raise these; each front door maps them once. The API's
mapping is ``qaportal.api.exceptions``; the pages' is ``DomainErrorPageMiddleware`` (qaportal.middleware),
and a view with a form shows the error on it with ``apply_to_form`` below.

- ``InvalidTransition``: the object is in a state that does not allow the action (409).
- ``NotPermitted``: this user may not do this (403; where an object's existence must not leak, the
  policies' querysets make it ``NotFound`` instead).
- ``ValidationFailed``: the input is wrong; carries errors per field (400).
- ``NotFound``: no such object, or none this user may see (404).
- ``Gone``: it existed and has expired (410).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.db import models

M = TypeVar("M", bound=models.Model)

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


class NotFound(DomainError):
    """No such object, or none this user may see: the two are not told apart."""


class Gone(DomainError):
    """The object existed and has expired (an export whose file was cleaned up)."""


def found(objects: models.QuerySet[M], message: str, **lookup: Any) -> M:
    """The one object ``lookup`` names among ``objects``, or ``NotFound(message)``."""
    try:
        return objects.get(**lookup)
    except ObjectDoesNotExist as missing:
        raise NotFound(message) from missing


def apply_to_form(form: forms.BaseForm, error: DomainError) -> None:
    """Show a domain error on a form: field errors beside their fields, the rest in the summary."""
    if isinstance(error, ValidationFailed):
        for field_name, messages in error.field_errors.items():
            target = field_name if field_name in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        form.add_error(None, error.message)
