"""The request of a page behind sign-in, as the type checker should see it, and the one way a
page or endpoint turns "nothing found" into a 404."""

from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest

Found = TypeVar("Found")


class SignedInRequest(HttpRequest):
    """A request that ``login_required`` (or a role-page decorator built on it) let through: its user
    is a ``User``, never ``AnonymousUser``. An annotation only; Django passes its own HttpRequest."""

    user: User


def found_or_404(lookup: Callable[[], Found], message: str, *, error: Callable[[str], Exception] = Http404) -> Found:
    """What ``lookup()`` finds, or ``error(message)`` (a 404, with that message) when it finds nothing:
    what is not there and what the person may not see read the same."""
    try:
        return lookup()
    except ObjectDoesNotExist as missing:
        raise error(message) from missing
