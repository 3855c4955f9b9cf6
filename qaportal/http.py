"""The request of a page behind sign-in, as the type checker should see it. (Nothing found is
``qaportal.errors.found``: the selectors raise ``NotFound`` and each door maps it once.)"""

import re

from django.contrib.auth.models import User
from django.http import HttpRequest


class SignedInRequest(HttpRequest):
    """A request that ``login_required`` (or a role-page decorator built on it) let through: its user
    is a ``User``, never ``AnonymousUser``. An annotation only; Django passes its own HttpRequest."""

    user: User


def whole_number(value: str | None) -> int | None:
    """A posted or queried id, page size or count as a whole number, or None when it is not one.

    Only ASCII digits, at most 18 of them (a bigint): ``str.isdigit()`` also says yes to "²" and
    other digits that ``int()`` refuses, which made a tampered id a 500.
    """
    if value and re.fullmatch(r"[0-9]{1,18}", value):
        return int(value)
    return None
