"""A programme's descriptive details can be corrected here, through ``programme_correct``; its
status, stamps, evidence portfolio and the provider's published reply move only on the register's
own pages (submission, review, withdrawal, a convenor's decision on a change)."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User

from programmes.models import EvidenceStatement, Programme, ProviderResponse
from programmes.services import EDITABLE_FIELDS, programme_correct, programme_field_errors
from qaportal.admin_base import ReadOnlyAdmin, ReadOnlyInline, ServiceSavedAdmin
from qaportal.errors import ValidationFailed


class EvidenceStatementInline(ReadOnlyInline):
    model = EvidenceStatement


@admin.register(Programme)
class ProgrammeAdmin(ServiceSavedAdmin):
    editable_fields = EDITABLE_FIELDS
    list_display = ["title", "provider", "focus_level", "format", "delivery_mode", "status", "cost_per_participant"]
    list_filter = ["status", "focus_level", "format", "delivery_mode", "provider__provider_type"]
    search_fields = ["title", "slug", "provider__name"]
    list_select_related = ["provider"]
    date_hierarchy = "created_at"
    exclude = ["search_vector"]
    inlines = [EvidenceStatementInline]

    def check_fields(self, obj: Any, data: dict[str, Any]) -> None:
        errors = programme_field_errors(data, obj)
        if errors:
            raise ValidationFailed(errors)

    def save_through(self, obj: Any, by: User, data: dict[str, Any]) -> None:
        programme_correct(programme=obj, by=by, data=data)


@admin.register(ProviderResponse)
class ProviderResponseAdmin(ReadOnlyAdmin):
    list_display = ["programme", "author", "published_at"]
    search_fields = ["programme__title", "text"]


@admin.register(EvidenceStatement)
class EvidenceStatementAdmin(ReadOnlyAdmin):
    list_display = ["programme", "element", "updated_at"]
    list_filter = ["element"]
    search_fields = ["programme__title", "statement"]
