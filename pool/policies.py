"""Who may do what in the reviewer pool: the only place these questions are answered.

Per-reviewer measures (agreement, leniency, returns, speed) are for convenors only: never on a
public page, never shown to other reviewers.
"""

from __future__ import annotations

from django.db.models import QuerySet

from pool.models import CalibrationAttempt, ReviewerProfile
from qaportal.roles import Role, Visitor, has_role


def may_apply(user: Visitor) -> bool:
    """Anyone signed in who is not in the pool already may apply to review."""
    return user.is_authenticated and not ReviewerProfile.objects.filter(reviewer=user).exists()


def may_manage_pool(user: Visitor) -> bool:
    return has_role(user, Role.CONVENOR)


def may_see_reviewer_measures(user: Visitor) -> bool:
    return has_role(user, Role.CONVENOR)


def may_take_calibration(user: Visitor) -> bool:
    return has_role(user, Role.REVIEWER) and ReviewerProfile.objects.filter(reviewer=user).exists()


def attempts_for(user: Visitor) -> QuerySet[CalibrationAttempt]:
    """A reviewer's own calibration attempts; nobody else's (another's is simply not found)."""
    if not has_role(user, Role.REVIEWER):
        return CalibrationAttempt.objects.none()
    return CalibrationAttempt.objects.filter(reviewer=user)
