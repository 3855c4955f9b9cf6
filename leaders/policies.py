"""Who may do what with leaders' things: a leader sees and changes only their own."""

from __future__ import annotations

from typing import TypeGuard

from django.contrib.auth.models import User
from django.db.models import QuerySet

from leaders.models import Enquiry, EnquiryThread, LeaderAccount, Shortlist
from programmes import policies as programme_policies
from qaportal.roles import LEADER, Visitor, has_role


def holds_leader_account(user: User) -> bool:
    """The school leader's role: an account whose email address has been verified (declared to
    ``qaportal.roles`` in this app's ``ready``)."""
    return LeaderAccount.objects.filter(user=user, email_verified_at__isnull=False).exists()


def is_leader(user: Visitor) -> TypeGuard[User]:
    return has_role(user, LEADER)


def shortlists_for(user: Visitor) -> QuerySet[Shortlist]:
    """A leader's own shortlists; anyone else's are simply not found."""
    if not is_leader(user):
        return Shortlist.objects.none()
    return Shortlist.objects.filter(owner=user)


def enquiries_for(user: Visitor) -> QuerySet[Enquiry]:
    """A leader's own enquiries; anyone else's are not found."""
    if not is_leader(user):
        return Enquiry.objects.none()
    return Enquiry.objects.filter(leader=user)


def threads_for_leader(user: Visitor) -> QuerySet[EnquiryThread]:
    return EnquiryThread.objects.filter(enquiry__in=enquiries_for(user))


def threads_for_editor(user: Visitor) -> QuerySet[EnquiryThread]:
    """The threads addressed to the providers this editor works for; other providers' are not found."""
    if not programme_policies.is_editor(user):
        return EnquiryThread.objects.none()
    return EnquiryThread.objects.filter(provider__in=user.editable_providers.all())


def replies_as_provider(user: Visitor, thread: EnquiryThread) -> bool:
    return programme_policies.is_editor(user) and thread.provider.editors.filter(pk=user.pk).exists()


def owns_thread(user: Visitor, thread: EnquiryThread) -> bool:
    return is_leader(user) and thread.enquiry.leader_id == user.pk
