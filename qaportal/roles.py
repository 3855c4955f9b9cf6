"""Roles are Django groups; object relations (editor of a provider, reviewer of a review) say the rest."""

from django.db import models


class Role(models.TextChoices):
    PROVIDER_EDITOR = "provider-editor", "Provider editor"
    REVIEWER = "reviewer", "Reviewer"
    CONVENOR = "convenor", "Convenor"


def has_role(user, role: str) -> bool:
    if not user.is_authenticated:
        return False
    # Cached per request object: the navigation and the policies both ask.
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return role in cached
