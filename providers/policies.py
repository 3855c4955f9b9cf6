"""Who may change a provider's profile: its own editors, nobody else."""

from __future__ import annotations

from django.db.models import QuerySet

from providers.models import Provider
from qaportal.roles import Role, Visitor, has_role


def providers_for_editor(user: Visitor) -> QuerySet[Provider]:
    if not has_role(user, Role.PROVIDER_EDITOR):
        return Provider.objects.none()
    return Provider.objects.filter(editors=user)


def may_edit_provider(user: Visitor, provider: Provider) -> bool:
    return has_role(user, Role.PROVIDER_EDITOR) and provider.editors.filter(pk=user.pk).exists()
