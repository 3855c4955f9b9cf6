"""Who may do what in the review workflow: the only place these questions are answered.

Views use the ``*_for`` querysets to look objects up, so anything a user may not see is simply
not found (404) rather than forbidden: a reviewer cannot even learn that another review exists.
Services call the ``may_*`` answers again, so the API and tasks obey the same rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from django.contrib.auth.models import User
from django.db.models import QuerySet

from qaportal.roles import Role, Visitor, has_role
from reviews.models import Affiliation, Review, SelfAssessment
from reviews.state_machine import REVIEW_EDITABLE, review_was_handed_in

if TYPE_CHECKING:
    from programmes.models import Programme
    from reviews.models import Concern


def is_convenor(user: Visitor) -> TypeGuard[User]:
    return has_role(user, Role.CONVENOR)


def is_reviewer(user: Visitor) -> TypeGuard[User]:
    return has_role(user, Role.REVIEWER)


def reviews_for_reviewer(user: Visitor) -> QuerySet[Review]:
    """The reviews a reviewer may open: their own assignments, nobody else's."""
    if not is_reviewer(user):
        return Review.objects.none()
    return Review.objects.filter(reviewer=user)


def reviews_visible_to(user: Visitor) -> QuerySet[Review]:
    """Its reviewer and the convenors see a review; to anyone else it does not exist (404)."""
    return Review.objects.all() if may_moderate(user) else reviews_for_reviewer(user)


def may_edit_review(user: Visitor, review: Review) -> bool:
    return review.reviewer_id == user.id and is_reviewer(user) and review.state in REVIEW_EDITABLE


def may_see_other_reviews(user: Visitor, review: Review) -> bool:
    """Blind review: the other reviewers' scores only once this reviewer has handed in their own."""
    return review.reviewer_id == user.id and review_was_handed_in(review)


def may_declare_conflict(user: Visitor, review: Review) -> bool:
    return may_edit_review(user, review)


def may_assign(user: Visitor) -> bool:
    return is_convenor(user)


def may_moderate(user: Visitor) -> bool:
    return is_convenor(user)


def may_assign_reviewers_to(user: Visitor, programme: Programme) -> bool:
    """Reviewers are assigned while the programme is in a review round (``review_assign`` refuses
    otherwise, with the reason)."""
    from programmes.lifecycle import in_review_round

    return may_assign(user) and in_review_round(programme)


def may_publish_programme(user: Visitor, programme: Programme) -> bool:
    """Publication follows the reviews: not while the programme is only submitted."""
    from programmes.lifecycle import in_review_round
    from programmes.vocabulary import ProgrammeStatus

    return may_moderate(user) and programme.status != ProgrammeStatus.SUBMITTED and in_review_round(programme)


def may_see_reviewer_identities(user: Visitor) -> bool:
    """Only convenors see who reviewed what; providers, other reviewers and the public never do."""
    return is_convenor(user)


def may_be_assigned(user: Visitor) -> bool:
    return user.is_active and is_reviewer(user)


def affiliations_for(user: Visitor) -> QuerySet[Affiliation]:
    if not is_reviewer(user):
        return Affiliation.objects.none()
    return Affiliation.objects.filter(reviewer=user)


def may_manage_frameworks(user: Visitor) -> bool:
    """Convenors draft, edit and publish framework versions."""
    return is_convenor(user)


def may_triage_concerns(user: Visitor) -> bool:
    return is_convenor(user)


def may_resubmit(user: Visitor, programme: Programme) -> bool:
    """A provider's editors resubmit their own programme for reaccreditation."""
    return bool(user.is_authenticated and programme.provider.editors.filter(pk=user.pk).exists())


def concerns_for_provider_editor(user: Visitor) -> QuerySet[Concern]:
    """The concerns a provider editor may read and answer: those about their providers' programmes."""
    from reviews.models import Concern

    if not user.is_authenticated:
        return Concern.objects.none()
    return Concern.objects.filter(programme__provider__editors=user)


def may_self_assess(user: Visitor, programme: Programme) -> bool:
    """A provider's self-assessment is its editors' alone: convenors, reviewers, staff pages and the
    public never see it (issue 15: "invisible to everyone but the provider's editors")."""
    from programmes.policies import edits_provider_of

    return bool(user.is_authenticated and edits_provider_of(user, programme))


def self_assessments_for(user: Visitor) -> QuerySet[SelfAssessment]:
    if not has_role(user, Role.PROVIDER_EDITOR):
        return SelfAssessment.objects.none()
    return SelfAssessment.objects.filter(programme__provider__editors=user)
