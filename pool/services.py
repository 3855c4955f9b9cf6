"""Writes for the reviewer pool: applying, the convenor's decision, and a reviewer's status,
capacity and expertise. Keyword-only, checked against ``pool.policies``, each change recorded
in the pool's own audit trail in the same transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from pool import policies
from pool.models import ApplicationStatus, PoolEvent, ReviewerApplication, ReviewerProfile, ReviewerStatus
from qaportal.errors import InvalidTransition, NotPermitted, ValidationFailed
from qaportal.roles import Role, forget_roles
from reviews.services import affiliation_add, live_framework, required_text

MAX_ORGANISATIONS = 20
ORGANISATION_LINE = re.compile(r"^(?P<name>.+?)(?:\s*;\s*left\s+(?P<left>\S+))?$", re.IGNORECASE)


def record_pool_event(*, actor: User | None, reviewer_id: int, action: str, detail: str = "") -> PoolEvent:
    return PoolEvent.objects.create(actor=actor, reviewer_id=reviewer_id, action=action, detail=detail)


@dataclass(frozen=True)
class DeclaredOrganisation:
    name: str
    left_on: date | None


def parse_organisations(text: str) -> list[DeclaredOrganisation]:
    """One organisation a line: "Northgate Learning Trust", or "Northgate Learning Trust; left 31/7/2024"."""
    organisations, errors = [], []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_ORGANISATIONS:
        raise ValidationFailed({"organisations": [f"List at most {MAX_ORGANISATIONS} organisations."]})
    for number, line in enumerate(lines, start=1):
        match = ORGANISATION_LINE.match(line)
        assert match is not None  # the pattern matches any non-empty line
        left = match["left"]
        left_on = None
        if left:
            try:
                left_on = datetime.strptime(left, "%d/%m/%Y").date()
            except ValueError:
                errors.append(f"Line {number}: write the date you left as day/month/year, for example 31/7/2024.")
                continue
            if left_on > date.today():
                errors.append(f"Line {number}: the date you left must be today or in the past.")
                continue
        if len(match["name"]) > 200:
            errors.append(f"Line {number}: an organisation's name must be at most 200 characters.")
            continue
        organisations.append(DeclaredOrganisation(match["name"].strip(), left_on))
    if errors:
        raise ValidationFailed({"organisations": errors})
    return organisations


def application_submit(
    *,
    applicant: User,
    current_role: str,
    experience: str,
    phases: list[str],
    focus_levels: list[str],
    regions: list[str],
    organisations: str,
) -> ReviewerApplication:
    if not applicant.is_authenticated:
        raise NotPermitted("Sign in to apply.")
    if not policies.may_apply(applicant):
        raise InvalidTransition("You are already in the reviewer pool.")
    errors = _application_errors(current_role, experience, phases, focus_levels, organisations)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if ReviewerApplication.objects.filter(applicant=applicant, status=ApplicationStatus.PENDING).exists():
            raise InvalidTransition("You have already applied; a convenor will decide soon.")
        application = ReviewerApplication.objects.create(
            applicant=applicant,
            current_role=current_role.strip(),
            experience=experience.strip(),
            phases=phases,
            focus_levels=focus_levels,
            regions=regions,
            organisations=organisations.strip(),
        )
        record_pool_event(actor=applicant, reviewer_id=applicant.id, action="applied")
    return application


def _application_errors(
    current_role: str, experience: str, phases: list[str], focus_levels: list[str], organisations: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not current_role.strip():
        errors["current_role"] = ["Enter your current role, for example “Deputy headteacher”."]
    if not experience.strip():
        errors["experience"] = ["Tell us about your experience of professional development."]
    if not phases:
        errors["phases"] = ["Select the school phases you know."]
    if not focus_levels:
        errors["focus_levels"] = ["Select the staff whose development you know."]
    try:
        parse_organisations(organisations)
    except ValidationFailed as error:
        errors.update(error.field_errors)
    return errors


def _locked_pending(application: ReviewerApplication, by: User) -> ReviewerApplication:
    if not policies.may_manage_pool(by):
        raise NotPermitted("Only convenors decide applications.")
    locked = ReviewerApplication.objects.select_for_update().select_related("applicant").get(pk=application.pk)
    if locked.status != ApplicationStatus.PENDING:
        raise InvalidTransition(f"This application has already been {locked.get_status_display().lower()}.")
    return locked


def application_accept(*, application: ReviewerApplication, by: User, capacity: int = 4) -> ReviewerProfile:
    """The applicant joins the pool in training, with the expertise they declared; the
    organisations they named become affiliations (conflicts of interest)."""
    with transaction.atomic():
        application = _locked_pending(application, by)
        applicant = application.applicant
        applicant.groups.add(Group.objects.get(name=Role.REVIEWER))
        forget_roles(applicant)
        profile, _ = ReviewerProfile.objects.update_or_create(
            reviewer=applicant,
            defaults={
                "status": ReviewerStatus.IN_TRAINING,
                "capacity": capacity,
                "phases": application.phases,
                "focus_levels": application.focus_levels,
                "regions": application.regions,
            },
        )
        for organisation in parse_organisations(application.organisations):
            affiliation_add(reviewer=applicant, organisation_name=organisation.name, ended_on=organisation.left_on)
        application.status, application.decided_by, application.decided_at = (
            ApplicationStatus.ACCEPTED,
            by,
            timezone.now(),
        )
        application.save(update_fields=["status", "decided_by", "decided_at"])
        record_pool_event(actor=by, reviewer_id=applicant.id, action="accepted", detail="Joined the pool in training.")
    return profile


def application_decline(*, application: ReviewerApplication, by: User, reason: str) -> ReviewerApplication:
    reason = required_text(reason, "reason", "Give the reason for declining; the applicant reads it.")
    with transaction.atomic():
        application = _locked_pending(application, by)
        application.status, application.decided_by, application.decided_at = (
            ApplicationStatus.DECLINED,
            by,
            timezone.now(),
        )
        application.decline_reason = reason
        application.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
        record_pool_event(actor=by, reviewer_id=application.applicant_id, action="declined", detail=reason)
    return application


def is_calibrated_for_live(profile: ReviewerProfile) -> bool:
    framework = live_framework()
    if profile.calibrated_for_id is None:
        return False
    return not framework.requires_recalibration or profile.calibrated_for_id == framework.id


def profile_update(
    *,
    profile: ReviewerProfile,
    by: User,
    status: str,
    capacity: int,
    expertise_tags: list[str],
    phases: list[str],
    focus_levels: list[str],
) -> ReviewerProfile:
    """A convenor changes a reviewer's status, capacity or expertise. Only a calibrated reviewer
    can be made active (calibration is how a reviewer in training becomes active)."""
    if not policies.may_manage_pool(by):
        raise NotPermitted("Only convenors change reviewers' status and capacity.")
    errors = _profile_field_errors(status=status, capacity=capacity, phases=phases, focus_levels=focus_levels)
    with transaction.atomic():
        profile = ReviewerProfile.objects.select_for_update().select_related("reviewer").get(pk=profile.pk)
        becoming_active = status == ReviewerStatus.ACTIVE and profile.status != ReviewerStatus.ACTIVE
        if becoming_active and not is_calibrated_for_live(profile):
            errors["status"] = [
                f"{profile.reviewer.username} has not passed calibration on the live framework, so cannot be made "
                "active; they become active when they pass."
            ]
        if errors:
            raise ValidationFailed(errors)
        changes = _profile_changes(profile, status, capacity, expertise_tags, phases, focus_levels)
        profile.status, profile.capacity, profile.expertise_tags = status, capacity, _clean_tags(expertise_tags)
        profile.phases, profile.focus_levels = phases, focus_levels
        profile.save()
        for change in changes:
            record_pool_event(actor=by, reviewer_id=profile.reviewer_id, action="profile-changed", detail=change)
    return profile


def _profile_field_errors(
    *, status: str, capacity: int, phases: list[str], focus_levels: list[str]
) -> dict[str, list[str]]:
    """What is wrong with the typed profile itself, before the reviewer's calibration is looked at."""
    errors: dict[str, list[str]] = {}
    if status not in ReviewerStatus.values:
        errors["status"] = ["Choose a status."]
    if not 1 <= capacity <= 30:
        errors["capacity"] = ["Capacity must be between 1 and 30 reviews at once."]
    if not phases:
        errors["phases"] = ["Select the school phases they know."]
    if not focus_levels:
        errors["focus_levels"] = ["Select the staff whose development they know."]
    return errors


def _clean_tags(tags: list[str]) -> list[str]:
    return sorted({tag.strip().lower()[:60] for tag in tags if tag.strip()})


def _profile_changes(
    profile: ReviewerProfile, status: str, capacity: int, tags: list[str], phases: list[str], focus_levels: list[str]
) -> list[str]:
    changes = []
    if profile.status != status:
        changes.append(f"status: {profile.status} → {status}")
    if profile.capacity != capacity:
        changes.append(f"capacity: {profile.capacity} → {capacity}")
    if list(profile.expertise_tags) != _clean_tags(tags):
        changes.append(f"expertise tags: {', '.join(profile.expertise_tags)} → {', '.join(_clean_tags(tags))}")
    if set(profile.phases) != set(phases) or set(profile.focus_levels) != set(focus_levels):
        changes.append("phases or focus levels changed")
    return changes


@dataclass(frozen=True)
class AssignmentOutcome:
    programme_title: str
    reviewer_username: str
    assigned: bool
    message: str


def assignments_make(*, choices: list[tuple[int, int]], by: User) -> list[AssignmentOutcome]:
    """Assign (programme id, reviewer id) pairs the convenor accepted from the suggestions, each
    through the one assignment service (its rule, its audit trail, its e-mail) and each on its
    own, so one refused pair never undoes another. The rule is asked again at this moment: a
    suggestion that has gone stale (a reviewer filled up meanwhile) is refused with the reason."""
    from programmes.models import Programme
    from reviews.services import review_assign

    if not policies.may_manage_pool(by):
        raise NotPermitted("Only convenors assign reviewers.")
    programmes = Programme.objects.in_bulk({programme_id for programme_id, _ in choices})
    reviewers = User.objects.in_bulk({reviewer_id for _, reviewer_id in choices})
    outcomes = []
    for programme_id, reviewer_id in choices:
        programme, reviewer = programmes.get(programme_id), reviewers.get(reviewer_id)
        if programme is None or reviewer is None:
            outcomes.append(AssignmentOutcome("–", "–", False, "That programme or reviewer no longer exists."))
            continue
        try:
            review_assign(programme=programme, reviewer=reviewer, by=by)
        except (ValidationFailed, InvalidTransition) as refused:
            outcomes.append(AssignmentOutcome(programme.title, reviewer.username, False, refused.message))
        else:
            outcomes.append(AssignmentOutcome(programme.title, reviewer.username, True, "Assigned."))
    return outcomes
