"""The request of a page behind sign-in, as the type checker should see it. (Nothing found is
``qaportal.errors.found``: the selectors raise ``NotFound`` and each door maps it once.)"""

from django.contrib.auth.models import User
from django.http import HttpRequest


class SignedInRequest(HttpRequest):
    """A request that ``login_required`` (or a role-page decorator built on it) let through: its user
    is a ``User``, never ``AnonymousUser``. An annotation only; Django passes its own HttpRequest."""

    user: User
