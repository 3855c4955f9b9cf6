"""Writes on programmes by their provider's editors (their status changes are ``programmes.lifecycle``'s).

Every write that changes text in the search vector refreshes it in the same transaction, so
the directory never shows a programme under words it no longer has.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils.text import slugify

from programmes import local_authorities, policies
from programmes.models import (
    DESCRIPTION_FIELDS,
    EvidenceStatement,
    Programme,
    ProgrammeChange,
    ProviderResponse,
)
from programmes.search import refresh_search_vectors
from programmes.vocabulary import DeliveryMode, ProgrammeStatus
from providers.models import Provider
from qaportal.errors import NotPermitted, ValidationFailed
from reviews import audit
from reviews.audit import Action

# The programme fields an editor types; everything else (status, stamps, search) is ours.
EDITABLE_FIELDS: tuple[str, ...] = (
    "title",
    *DESCRIPTION_FIELDS,
    "contact_email",
    "booking_url",
    "next_start_on",
    "intended_outcomes",
    "evidence_base",
)


# A programme's length, in the bounds a real one falls within: a one-hour twilight session up to a
# qualification of several hundred hours over three years.
CONTACT_HOURS_BOUNDS = (1, 1000)
DURATION_WEEKS_BOUNDS = (1, 156)


def programme_length_errors(*, contact_hours: int | None, duration_weeks: int | None) -> dict[str, list[str]]:
    """Field errors for a length no programme has (0 hours, 100,000 hours, 0 weeks)."""
    errors = {}
    low, high = CONTACT_HOURS_BOUNDS
    if contact_hours is not None and not low <= contact_hours <= high:
        errors["contact_hours"] = [f"Contact time must be between {low} and {high:,} hours"]
    low, high = DURATION_WEEKS_BOUNDS
    if duration_weeks is not None and not low <= duration_weeks <= high:
        errors["duration_weeks"] = [f"Length must be between {low} and {high} weeks"]
    return errors


# Where a programme is delivered in person: it names local authorities; online it names none.
IN_PERSON_MODES = frozenset({DeliveryMode.FACE_TO_FACE, DeliveryMode.BLENDED})


def local_authority_errors(
    *, delivery_mode: str | None, regions: Iterable[str] | None, codes: Iterable[str] | None
) -> dict[str, list[str]]:
    """Field errors for local authorities that do not fit the programme.

    The editor ticks regions and local authorities separately (regions stay the programme's reach,
    online ones included); each authority must then lie in a ticked region, rather than regions
    being derived from authorities, so a programme's regions never change behind the editor's back.
    """
    codes = list(codes or ())
    if not codes:
        return {}
    if delivery_mode and delivery_mode not in IN_PERSON_MODES:
        return {
            "local_authorities": [
                "Local authorities are only for programmes delivered face to face or blended: "
                "remove them, or change how the programme is delivered"
            ]
        }
    known = local_authorities.by_code()
    unknown = [code for code in codes if code not in known]
    if unknown:
        return {"local_authorities": [f"“{unknown[0]}” is not a local authority in England; select one from the list"]}
    ticked = set(regions or ())
    outside = [known[code] for code in codes if known[code].region not in ticked]
    if not outside:
        return {}
    by_region: dict[str, list[str]] = {}
    for authority in outside:
        by_region.setdefault(authority.region_label, []).append(authority.name)
    messages = []
    for region, names in by_region.items():
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        verb, them = ("is", "it") if len(names) == 1 else ("are", "them")
        messages.append(
            f"{listed} {verb} in {region}, which is not one of the regions selected: "
            f"select {region} too, or remove {them}"
        )
    return {"local_authorities": messages}


def _check_length(fields: dict[str, Any]) -> None:
    errors = programme_length_errors(
        contact_hours=fields.get("contact_hours"), duration_weeks=fields.get("duration_weeks")
    )
    if errors:
        raise ValidationFailed(errors)


def programme_field_errors(fields: dict[str, Any], programme: Programme | None = None) -> dict[str, list[str]]:
    """The rules that span fields, for writes from any caller (form, import, API, admin): the
    length first, then the local authorities against what ``fields`` leaves of ``programme``."""

    def current(name: str) -> Any:
        return fields[name] if name in fields else getattr(programme, name, None)

    return programme_length_errors(
        contact_hours=fields.get("contact_hours"), duration_weeks=fields.get("duration_weeks")
    ) or local_authority_errors(
        delivery_mode=current("delivery_mode"), regions=current("regions"), codes=current("local_authorities")
    )


def _check_fields(fields: dict[str, Any], programme: Programme | None = None) -> None:
    errors = programme_field_errors(fields, programme)
    if errors:
        raise ValidationFailed(errors)


# Advisory-lock keys for choosing programme slugs (the first of pg_advisory_xact_lock's pair):
# an import choosing many takes every slug exclusively; one create takes that shared, then its
# slug's root alone. Slugs are chosen only under these locks, so the unique index never refuses one.
LOCK_ALL_SLUGS = 42_000
LOCK_NAMESPACE_SLUG = 42_001


def slug_base(title: str) -> str:
    """The slug a title gets when it is free; otherwise base-2, base-3, …"""
    return slugify(title)[:200] or "programme"


def _slug_root(base: str) -> str:
    # "maths", "maths-2" and "maths-2-3" (titles "Maths", "Maths 2", …) can each end up at
    # "maths-2-3", so they are one lock: the base without its trailing numbers.
    return re.sub(r"(-[0-9]+)+$", "", base)


def lock_slugs_like(base: str) -> None:
    """Until the transaction ends, no one else chooses a slug that ``base`` could become: the next
    create of the title waits, then sees this one's committed row and takes the next number."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [LOCK_ALL_SLUGS])
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCK_NAMESPACE_SLUG, _slug_root(base)])


def lock_all_slugs() -> None:
    """Until the transaction ends, no one else chooses a slug (an import choosing thousands at once)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [LOCK_ALL_SLUGS])


def _free_slug(base: str) -> str:
    slug, number = base, 1
    while Programme.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def programme_create(*, provider: Provider, by: User, data: dict[str, Any]) -> Programme:
    """A new draft programme of ``provider``; ``data`` holds the editable fields, already cleaned."""
    if not policies.may_create_programme_for(by, provider):
        raise NotPermitted("You do not edit this provider.")
    fields = {name: data[name] for name in EDITABLE_FIELDS if name in data}
    _check_fields(fields)
    base = slug_base(fields["title"])
    with transaction.atomic():
        lock_slugs_like(base)
        programme = Programme.objects.create(provider=provider, slug=_free_slug(base), **fields)
        refresh_search_vectors(programme_ids=[programme.id])
    return programme


def programme_update(*, programme: Programme, by: User, data: dict[str, Any]) -> Programme:
    if not policies.may_edit_programme(by, programme):
        raise NotPermitted("Only a draft programme of your own provider can be edited.")
    _check_fields(data, programme)
    with transaction.atomic():
        _save_editable_fields(programme, data)
    return programme


def programme_correct(*, programme: Programme, by: User, data: dict[str, Any]) -> Programme:
    """Staff correcting a programme's details in the admin, whatever its status: the editor's rules,
    the search refreshed, and every changed field in the audit trail as changed in the admin.

    The rating does not read these fields, so it stays as it is; the directory's change log is
    written by the database in this transaction, as for any other write."""
    if not policies.may_correct_in_admin(by):
        raise NotPermitted("Only staff correct a programme in the admin.")
    _check_fields(data, programme)
    with transaction.atomic():
        stored = Programme.objects.select_for_update().get(pk=programme.pk)
        fields = audit.differences(stored, data, EDITABLE_FIELDS)
        _save_editable_fields(programme, data)
        audit.record_edit(actor=by, action=Action.ADMIN, fields=fields, programme_id=programme.id)
    return programme


def _save_editable_fields(programme: Programme, data: dict[str, Any]) -> None:
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(programme, name, data[name])
    programme.save()
    refresh_search_vectors(programme_ids=[programme.id])


@dataclass(frozen=True)
class EvidenceInput:
    statement: str
    links: str


def _link_errors(key: str, links: str) -> list[str]:
    validate = URLValidator(schemes=["https"])
    errors = []
    for line in (line.strip() for line in links.splitlines()):
        if not line:
            continue
        try:
            validate(line)
        except ValidationError:
            problem = "starts http://, not https://" if line.lower().startswith("http://") else "is not a web address"
            errors.append(f"“{line}” {problem}; start each link with https://")
    return errors


def evidence_check(evidence: dict[str, EvidenceInput]) -> None:
    """Refuses a typed portfolio with links that are not https:// addresses, or links alone, per field."""
    errors = {}
    for key, typed in evidence.items():
        link_errors = _link_errors(key, typed.links)
        if link_errors:
            errors[f"links_{key}"] = link_errors
        if typed.links.strip() and not typed.statement.strip():
            errors[f"statement_{key}"] = ["Write a statement to go with these links."]
    if errors:
        raise ValidationFailed(errors)


def evidence_write(*, programme: Programme, evidence: dict[str, EvidenceInput]) -> None:
    """Store the typed statements (in the caller's transaction); an empty statement removes it."""
    for key, typed in evidence.items():
        if typed.statement.strip():
            EvidenceStatement.objects.update_or_create(
                programme=programme,
                element=key,
                defaults={"statement": typed.statement.strip(), "links": typed.links.strip()},
            )
        else:
            EvidenceStatement.objects.filter(programme=programme, element=key).delete()


def evidence_save(*, programme: Programme, by: User, evidence: dict[str, EvidenceInput]) -> None:
    """Save the evidence portfolio of a draft, or of a published programme under re-review (the
    reviewers assess it as it now is; the change is in the audit trail). A published programme
    not under re-review proposes the change instead (``programmes.changes.evidence_propose``)."""
    from programmes.changes import evidence_differences

    if not policies.may_edit_programme(by, programme):
        raise NotPermitted("Only a draft programme of your own provider can be edited.")
    evidence_check(evidence)
    with transaction.atomic():
        if programme.status != ProgrammeStatus.DRAFT:
            fields = evidence_differences(programme, evidence)
            audit.record_edit(actor=by, action=Action.EVIDENCE, fields=fields, programme_id=programme.id)
            # Saved for the re-review, a change still waiting for a convenor has nothing left to decide.
            programme.changes.filter(kind=ProgrammeChange.Kind.EVIDENCE, state=ProgrammeChange.State.PENDING).delete()
        evidence_write(programme=programme, evidence=evidence)


def response_publish(*, programme: Programme, by: User, text: str) -> ProviderResponse:
    """The provider's right of reply, shown beside the rating; publishing again replaces it."""
    if not policies.may_respond(by, programme):
        raise NotPermitted("You can respond only to your own provider's published programmes.")
    text = text.strip()
    if len(text) < 20:
        raise ValidationFailed({"text": ["Write a response of at least 20 characters."]})
    response, _ = ProviderResponse.objects.update_or_create(programme=programme, defaults={"text": text, "author": by})
    return response
