"""A provider's profile can be corrected here, through ``provider_correct`` (audited as changed in
the admin); staff also say here who edits the provider. Providers are added by the import page."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User

from providers.models import PROFILE_FIELDS, Provider
from providers.services import provider_correct
from qaportal.admin_base import ServiceSavedAdmin


@admin.register(Provider)
class ProviderAdmin(ServiceSavedAdmin):
    editable_fields = (*PROFILE_FIELDS, "editors")
    list_display = ["name", "provider_type", "schools_in_partnership", "updated_at"]
    list_filter = ["provider_type"]
    search_fields = ["name", "slug", "description"]
    filter_horizontal = ["editors"]

    def save_through(self, obj: Any, by: User, data: dict[str, Any]) -> None:
        provider_correct(provider=obj, by=by, data=data)
