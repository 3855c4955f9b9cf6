"""Who may do what to a programme: the only place these questions are answered.

A provider editor works on their own providers' programmes only; every lookup goes through
``programmes_for_editor`` so another provider's programme is simply not found (404).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from programmes.models import ImportJob, Programme
from programmes.vocabulary import ProgrammeStatus
from qaportal.roles import Role, Visitor, has_role

if TYPE_CHECKING:
    from providers.models import Provider

# What an editor may still change: once submitted, reviewers assess what was submitted.
EDITABLE_STATUSES = frozenset({ProgrammeStatus.DRAFT})
WITHDRAWABLE_BY_EDITOR = frozenset(
    {ProgrammeStatus.DRAFT, ProgrammeStatus.SUBMITTED, ProgrammeStatus.IN_REVIEW, ProgrammeStatus.PUBLISHED}
)


# Once published, a programme's fields fall in three groups. Factual details change at once (the
# page says so); what the reviewers assessed, and public text in the provider's words, wait for
# a convenor.
FACTUAL_FIELDS = (
    "cost_per_participant",
    "funding_routes",
    "regions",
    "local_authorities",
    "target_staff",
    "contact_email",
    "booking_url",
    "next_start_on",
)
REVIEWED_FIELDS = (
    "focus_level",
    "phases",
    "format",
    "delivery_mode",
    "contact_hours",
    "duration_weeks",
    "intended_outcomes",
    "evidence_base",
)
PUBLIC_TEXT_FIELDS = ("title", "summary")
# A provider's own words on its public page.
PROVIDER_PUBLIC_TEXT_FIELDS = ("name", "description")


def is_editor(user: Visitor) -> TypeGuard[User]:
    return has_role(user, Role.PROVIDER_EDITOR)


def programmes_for_editor(user: Visitor) -> QuerySet[Programme]:
    if not is_editor(user):
        return Programme.objects.none()
    return Programme.objects.filter(provider__editors=user)


def edits_provider_of(user: Visitor, programme: Programme) -> bool:
    return is_editor(user) and programme.provider.editors.filter(pk=user.pk).exists()


def may_edit_programme(user: Visitor, programme: Programme) -> bool:
    """Drafts, and a published programme resubmitted for reaccreditation (its portfolio is carried
    over for the editor to bring up to date while it is re-reviewed)."""
    if not edits_provider_of(user, programme):
        return False
    if programme.status in EDITABLE_STATUSES:
        return True
    from programmes.lifecycle import open_rereview

    return programme.status == ProgrammeStatus.PUBLISHED and open_rereview(programme) is not None


def may_change_published(user: Visitor, programme: Programme) -> bool:
    return programme.status == ProgrammeStatus.PUBLISHED and edits_provider_of(user, programme)


def may_open_edit_form(user: Visitor, programme: Programme) -> bool:
    return may_edit_programme(user, programme) or may_change_published(user, programme)


def may_correct_in_admin(user: Visitor) -> bool:
    """Staff correct a programme's or a provider's details in the Django admin, through the services."""
    return user.is_authenticated and user.is_active and user.is_staff


def may_decide_changes(user: Visitor) -> bool:
    return has_role(user, Role.CONVENOR)


def may_submit_programme(user: Visitor, programme: Programme) -> bool:
    return programme.status in EDITABLE_STATUSES and edits_provider_of(user, programme)


def programmes_for_withdrawal(user: Visitor) -> QuerySet[Programme]:
    """What a user can address: convenors any programme; an editor also their own providers'
    programmes in any state; anyone else the public ones. The service decides the rest (403/409)."""
    if has_role(user, Role.CONVENOR):
        return Programme.objects.all()
    from programmes.lifecycle import PROGRAMME_PUBLIC

    return Programme.objects.filter(PROGRAMME_PUBLIC | Q(pk__in=programmes_for_editor(user).values("pk")))


def may_withdraw_programme(user: Visitor, programme: Programme) -> bool:
    """Editors withdraw their own programmes; convenors withdraw any published one."""
    if has_role(user, Role.CONVENOR) and programme.status == ProgrammeStatus.PUBLISHED:
        return True
    return programme.status in WITHDRAWABLE_BY_EDITOR and edits_provider_of(user, programme)


def may_read_feedback(user: Visitor, programme: Programme) -> bool:
    return programme.status == ProgrammeStatus.PUBLISHED and edits_provider_of(user, programme)


def may_respond(user: Visitor, programme: Programme) -> bool:
    return may_read_feedback(user, programme)


def may_create_programme_for(user: Visitor, provider: Provider) -> bool:
    return is_editor(user) and provider.editors.filter(pk=user.pk).exists()


def may_import_programmes_for(user: Visitor, provider: Provider) -> bool:
    """A bulk import of programmes: the provider's own editors, or any convenor."""
    return has_role(user, Role.CONVENOR) or may_create_programme_for(user, provider)


def may_import_providers(user: Visitor) -> bool:
    return has_role(user, Role.CONVENOR)


def may_see_import(user: Visitor, job: ImportJob) -> bool:
    """An import's rows and results are its uploader's alone (another's is "not found")."""
    return user.is_authenticated and job.requested_by_id == user.pk
