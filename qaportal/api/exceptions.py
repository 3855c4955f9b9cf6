"""Every API error, whatever raised it, leaves in one shape:

    {"status": 409, "code": "invalid_transition", "detail": "…for a person…", "errors": {"field": ["…"]}}

``errors`` maps a field (dotted for nested input, ``non_field_errors`` for the whole request) to its
messages; it is empty unless the input was wrong. The domain's exception family
(``qaportal.errors``) is mapped here and nowhere else: ``ValidationFailed`` → 400 with its field
errors, ``NotPermitted`` → 403, ``NotFound`` → 404, ``InvalidTransition`` → 409, ``Gone`` → 410.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import set_rollback

from qaportal.errors import (
    NON_FIELD,
    DomainError,
    Gone,
    InvalidTransition,
    NotFound,
    NotPermitted,
    ValidationFailed,
)
from qaportal.text import encodable

NON_FIELD_ERRORS = "non_field_errors"


class Conflict(exceptions.APIException):
    """A refused change of state: the object is not in a state that allows the action."""

    status_code = 409
    default_detail = "The object is not in a state that allows this."
    default_code = "invalid_transition"


class ExpiredResource(exceptions.APIException):
    status_code = 410
    default_detail = "This has expired."
    default_code = "expired"


class CredentialsRefused(exceptions.AuthenticationFailed):
    """401 from the token exchange: the username and password (or the two-factor code) are not
    right. Like a 400 it says which part, in ``errors``; unlike one, it is not the request's shape."""

    def __init__(self, field_errors: dict[str, list[str]]):
        self.field_errors = {field: [str(message) for message in messages] for field, messages in field_errors.items()}
        super().__init__(first_message(self.field_errors) or None)


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's hook: turn any expected exception into a response in the one shape (None → 500)."""
    api_error = as_api_exception(exc)
    if api_error is None:
        return None
    headers = {}
    # Only NotAuthenticated (from the authenticator) and Throttled carry these.
    auth_header = getattr(api_error, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    wait = getattr(api_error, "wait", None)
    if wait:
        headers["Retry-After"] = f"{int(wait)}"
    set_rollback()
    return Response(error_body(api_error), status=api_error.status_code, headers=headers)


def as_api_exception(exc: Exception) -> exceptions.APIException | None:
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, SuspiciousOperation):
        # A body over DATA_UPLOAD_MAX_MEMORY_SIZE, more than DATA_UPLOAD_MAX_NUMBER_FIELDS parameters…
        return exceptions.ParseError("The request is too large or malformed.")
    if isinstance(exc, DomainError):
        return from_domain_error(exc)
    return None


def from_domain_error(error: DomainError) -> exceptions.APIException:
    if isinstance(error, ValidationFailed):
        return exceptions.ValidationError(
            {
                NON_FIELD_ERRORS if field == NON_FIELD else field: messages
                for field, messages in error.field_errors.items()
            }
        )
    if isinstance(error, InvalidTransition):
        return Conflict(error.message)
    if isinstance(error, NotPermitted):
        return exceptions.PermissionDenied(error.message)
    if isinstance(error, NotFound):
        return exceptions.NotFound(error.message)
    if isinstance(error, Gone):
        return ExpiredResource(error.message)
    return exceptions.ValidationError({NON_FIELD_ERRORS: [error.message]})


def error_body(error: exceptions.APIException) -> dict[str, Any]:
    if isinstance(error, exceptions.ValidationError):
        field_errors = flatten_errors(error.detail)
        return {
            "status": error.status_code,
            "code": "invalid",
            "detail": first_message(field_errors) or "The request is not valid.",
            "errors": field_errors,
        }
    detail = error.detail
    return {
        "status": error.status_code,
        "code": getattr(detail, "code", None) or error.default_code,
        "detail": encodable(str(detail)),
        "errors": getattr(error, "field_errors", {}),
    }


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as one flat map: ``scores.2.rationale`` → messages."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            # A message or a key may echo what was sent (a choice, a criterion code), and a JSON body
            # can carry a lone surrogate that no UTF-8 response can: the echo must still be sendable.
            name = NON_FIELD_ERRORS if key == NON_FIELD else encodable(str(key))
            flat.update(flatten_errors(value, f"{prefix}.{name}" if prefix else name))
        return flat
    if isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    if not messages:
        return {}
    return {prefix or NON_FIELD_ERRORS: [encodable(str(message)) for message in messages if str(message)]}


def first_message(field_errors: dict[str, list[str]]) -> str:
    for field, messages in field_errors.items():
        if messages:
            return messages[0] if field == NON_FIELD_ERRORS else f"{field}: {messages[0]}"
    return ""


class ErrorSerializer(serializers.Serializer):
    """The one error body, for the schema."""

    status = serializers.IntegerField(help_text="The HTTP status, repeated for clients that lose it.")
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. not_found, invalid_transition.")
    detail = serializers.CharField(help_text="What went wrong, written for a person.")
    # SerializerMetaclass moves declared fields out of the class body, so this never shadows
    # Serializer.errors at run time; only the stubs see the two names meet.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per input field (dotted for nested input); empty unless the input was wrong.",
    )
