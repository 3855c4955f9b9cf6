"""Who may do what with participant feedback: the only place these questions are answered.

Rounds belong to a provider's editors; everything a participant gives is public only through
the aggregate rating and the comments a convenor approved.
"""

from __future__ import annotations

from django.db.models import QuerySet

from feedback.models import FeedbackRound
from programmes import policies as programme_policies
from programmes.models import Programme
from programmes.vocabulary import ProgrammeStatus
from qaportal.roles import Role, Visitor, has_role


def may_moderate_feedback(user: Visitor) -> bool:
    return has_role(user, Role.CONVENOR)


def may_edit_questionnaire(user: Visitor) -> bool:
    return has_role(user, Role.CONVENOR)


def may_create_round(user: Visitor, programme: Programme) -> bool:
    return programme.status == ProgrammeStatus.PUBLISHED and programme_policies.edits_provider_of(user, programme)


def programmes_for_rounds(user: Visitor) -> QuerySet[Programme]:
    """The programmes whose rounds this user may see: their own providers' (others are not found)."""
    return programme_policies.programmes_for_editor(user)


def rounds_for_editor(user: Visitor) -> QuerySet[FeedbackRound]:
    return FeedbackRound.objects.filter(programme__in=programme_policies.programmes_for_editor(user))
