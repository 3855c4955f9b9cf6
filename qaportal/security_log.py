"""Security events as JSON lines on the ``security`` logger, for operators to search.

One line per event: what happened, when, from which client address (the trusted-proxy rule), and
who (user id and username). Never a password, a token, a one-time code or a recovery code: callers
pass only the fields below, and ``security_event`` refuses any field whose name says it holds a secret.
"""

import json
import logging

from django.http import HttpRequest
from django.utils import timezone

from qaportal.client_address import client_address

logger = logging.getLogger("security")

SECRET_WORDS = ("password", "token", "code", "secret", "otp", "key")


class Event:
    SIGNIN_SUCCEEDED = "signin.succeeded"
    SIGNIN_FAILED = "signin.failed"
    SIGNIN_SLOWED = "signin.slowed"
    LOCKED_OUT = "signin.locked_out"
    PERMISSION_REFUSED = "permission.refused"
    TOKEN_ISSUED = "token.issued"
    TOKEN_REVOKED = "token.revoked"
    TOKEN_EXPIRED = "token.expired"
    PASSWORD_CHANGED = "password.changed"
    PASSWORD_RESET_REQUESTED = "password_reset.requested"
    PASSWORD_RESET_LIMITED = "password_reset.limited"
    TWO_FACTOR_ENROLLED = "two_factor.enrolled"
    TWO_FACTOR_VERIFIED = "two_factor.verified"
    TWO_FACTOR_FAILED = "two_factor.failed"


def security_event(event: str, *, request: HttpRequest | None = None, user=None, username: str = "", **fields) -> dict:
    """Write one event; returns the record (tests and callers may read it)."""
    for name in fields:
        if any(word in name.lower() for word in SECRET_WORDS):
            raise ValueError(f"{name!r} looks like a secret and is never logged")
    if user is None and request is not None:
        user = getattr(request, "user", None)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    record = {
        "event": event,
        "at": timezone.now().isoformat(),
        "client": client_address(request) if request is not None else None,
        "user_id": user.pk if authenticated else None,
        "username": (user.get_username() if authenticated else username)[:150],
        **fields,
    }
    logger.info(json.dumps(record, sort_keys=True, default=str), extra={"security_event": record})
    return record
