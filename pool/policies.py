"""Who may do what in the reviewer pool: the only place these questions are answered.

Per-reviewer measures (agreement, leniency, returns, speed) are for convenors only: never on a
public page, never shown to other reviewers.
"""

from __future__ import annotations

from django.db.models import QuerySet

from pool.models import CalibrationAttempt, ReviewerProfile
from qaportal.roles import Visitor
from reviews import policies as review_policies


def may_apply(user: Visitor) -> bool:
    """Anyone signed in who is not in the pool already may apply to review."""
    return user.is_authenticated and not ReviewerProfile.objects.filter(reviewer=user).exists()


def may_manage_pool(user: Visitor) -> bool:
    return review_policies.is_convenor(user)


def may_see_reviewer_measures(user: Visitor) -> bool:
    return review_policies.is_convenor(user)


def may_take_calibration(user: Visitor) -> bool:
    return review_policies.is_reviewer(user) and ReviewerProfile.objects.filter(reviewer=user).exists()


def attempts_for(user: Visitor) -> QuerySet[CalibrationAttempt]:
    """A reviewer's own calibration attempts; nobody else's (another's is simply not found)."""
    if not review_policies.is_reviewer(user):
        return CalibrationAttempt.objects.none()
    return CalibrationAttempt.objects.filter(reviewer=user)
