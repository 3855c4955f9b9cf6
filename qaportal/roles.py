"""Roles are Django groups; object relations (editor of a provider, reviewer of a review) say the rest."""

from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser, User
from django.db import models

# Whoever a policy is asked about: a signed-in user or an anonymous visitor (``request.user``).
Visitor = User | AnonymousUser


class Role(models.TextChoices):
    PROVIDER_EDITOR = "provider-editor", "Provider editor"
    REVIEWER = "reviewer", "Reviewer"
    CONVENOR = "convenor", "Convenor"


def has_role(user: Visitor, role: str) -> TypeGuard[User]:
    """Whether the user holds the role; a yes also tells the type checker they are signed in."""
    if not user.is_authenticated:
        return False
    # Cached per request object: the navigation and the policies both ask.
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        setattr(user, "_role_names", cached)  # noqa: B010 - read back with getattr above
    return role in cached
