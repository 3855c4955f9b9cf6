from django.contrib import admin

from providers.models import Provider
from qaportal.admin_audit import AuditedAdmin


@admin.register(Provider)
class ProviderAdmin(AuditedAdmin):
    audited_as = "provider"
    list_display = ["name", "provider_type", "schools_in_partnership", "updated_at"]
    list_filter = ["provider_type"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["editors"]
