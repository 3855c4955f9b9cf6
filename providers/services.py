"""Writes on a provider's profile by its own editors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from programmes.policies import may_correct_in_admin
from programmes.search import refresh_search_vectors
from providers import policies
from providers.models import PROFILE_FIELDS, Provider
from qaportal.errors import NotPermitted
from qaportal.roles import Role, has_role
from reviews import audit


def provider_update(*, provider: Provider, by: User, data: dict[str, Any], as_convenor: bool = False) -> Provider:
    """Save the profile; a new name is searched for in the provider's programmes straight away.

    ``as_convenor``: a convenor publishing a change the provider asked for (see programmes.changes).
    """
    if not (as_convenor and has_role(by, Role.CONVENOR)) and not policies.may_edit_provider(by, provider):
        raise NotPermitted("You do not edit this provider.")
    action = audit.Action.APPLIED if as_convenor else audit.Action.PROFILE
    return _save_profile(provider=provider, by=by, data=data, action=action)


def provider_correct(*, provider: Provider, by: User, data: dict[str, Any]) -> Provider:
    """Staff correcting a provider's profile in the admin: saved at once, audited as changed there."""
    if not may_correct_in_admin(by):
        raise NotPermitted("Only staff correct a provider in the admin.")
    return _save_profile(provider=provider, by=by, data=data, action=audit.Action.ADMIN)


def _save_profile(*, provider: Provider, by: User, data: dict[str, Any], action: str) -> Provider:
    with transaction.atomic():
        # Compare with the row: a model form may already have set the new values on the instance.
        stored = Provider.objects.select_for_update().get(pk=provider.pk)
        changed = audit.differences(stored, data, PROFILE_FIELDS)
        for name in PROFILE_FIELDS:
            if name in data:
                setattr(provider, name, data[name])
        provider.save()
        audit.record_edit(actor=by, action=action, fields=changed, provider_id=provider.id)
        if "name" in changed:
            refresh_search_vectors(provider_ids=[provider.id])
    return provider
