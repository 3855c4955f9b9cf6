"""Writes on a provider's profile by its own editors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from programmes.search import refresh_search_vectors
from providers import policies
from providers.models import Provider
from qaportal.errors import NotPermitted
from qaportal.roles import Role, has_role

PROFILE_FIELDS = (
    "name",
    "provider_type",
    "regions",
    "phases",
    "description",
    "website",
    "schools_in_partnership",
)


def provider_update(*, provider: Provider, by: User, data: dict[str, Any], as_convenor: bool = False) -> Provider:
    """Save the profile; a new name is searched for in the provider's programmes straight away.

    ``as_convenor``: a convenor publishing a change the provider asked for (see programmes.changes).
    """
    if not (as_convenor and has_role(by, Role.CONVENOR)) and not policies.may_edit_provider(by, provider):
        raise NotPermitted("You do not edit this provider.")
    with transaction.atomic():
        # Read from the row: a model form may already have set the new name on the instance.
        old_name = Provider.objects.select_for_update().values_list("name", flat=True).get(pk=provider.pk)
        for name in PROFILE_FIELDS:
            if name in data:
                setattr(provider, name, data[name])
        provider.save()
        if provider.name != old_name:
            refresh_search_vectors(provider_ids=[provider.id])
    return provider
