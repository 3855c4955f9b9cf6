from django.contrib import admin

from programmes.models import EvidenceStatement, Programme, ProviderResponse
from qaportal.admin_audit import AuditedAdmin


class EvidenceStatementInline(admin.StackedInline):
    model = EvidenceStatement
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["title", "provider", "focus_level", "format", "delivery_mode", "status", "cost_per_participant"]
    list_filter = ["status", "focus_level", "format", "delivery_mode", "provider__provider_type"]
    search_fields = ["title", "slug", "provider__name"]
    list_select_related = ["provider"]
    raw_id_fields = ["provider"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "created_at"
    inlines = [EvidenceStatementInline]


@admin.register(ProviderResponse)
class ProviderResponseAdmin(admin.ModelAdmin):
    list_display = ["programme", "author", "published_at"]
    search_fields = ["programme__title", "text"]
    raw_id_fields = ["programme", "author"]


@admin.register(EvidenceStatement)
class EvidenceStatementAdmin(admin.ModelAdmin):
    list_display = ["programme", "element", "updated_at"]
    list_filter = ["element"]
    search_fields = ["programme__title", "statement"]
    raw_id_fields = ["programme"]
