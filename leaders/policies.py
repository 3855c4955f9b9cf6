"""Who may do what with leaders' things: a leader sees and changes only their own."""

from __future__ import annotations

from typing import TypeGuard

from django.contrib.auth.models import User
from django.db.models import QuerySet

from leaders.models import LeaderAccount, Shortlist
from qaportal.roles import Visitor


def is_leader(user: Visitor) -> TypeGuard[User]:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_leader", None)
    if cached is None:
        cached = LeaderAccount.objects.filter(user=user, email_verified_at__isnull=False).exists()
        setattr(user, "_is_leader", cached)  # noqa: B010 - read back with getattr above
    return cached


def shortlists_for(user: Visitor) -> QuerySet[Shortlist]:
    """A leader's own shortlists; anyone else's are simply not found."""
    if not is_leader(user):
        return Shortlist.objects.none()
    return Shortlist.objects.filter(owner=user)
