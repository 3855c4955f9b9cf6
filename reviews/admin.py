from django.contrib import admin

from reviews.models import (
    Affiliation,
    AuditEvent,
    Band,
    Criterion,
    CriterionScore,
    Element,
    Framework,
    LevelDescriptor,
    Notification,
    Review,
    ScoreLevel,
)


class ElementInline(admin.TabularInline):
    model = Element
    extra = 0


class BandInline(admin.TabularInline):
    model = Band
    extra = 0


class ScoreLevelInline(admin.TabularInline):
    model = ScoreLevel
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "status", "is_live", "published_at", "min_reviews", "prior_weight"]
    list_filter = ["status", "is_live"]
    search_fields = ["name"]
    inlines = [ElementInline, ScoreLevelInline, BandInline]


class LevelDescriptorInline(admin.TabularInline):
    model = LevelDescriptor
    extra = 0


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "element", "weight"]
    list_filter = ["element__framework", "element__key"]
    search_fields = ["code", "title", "guidance"]
    list_select_related = ["element__framework"]
    inlines = [LevelDescriptorInline]


@admin.register(Element)
class ElementAdmin(admin.ModelAdmin):
    list_display = ["name", "framework", "key", "weight", "position"]
    list_filter = ["framework", "key"]


class CriterionScoreInline(admin.TabularInline):
    model = CriterionScore
    extra = 0
    raw_id_fields = ["criterion"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["programme", "reviewer", "framework", "state", "assigned_at", "submitted_at", "published_at"]
    list_filter = ["state", "framework"]
    search_fields = ["programme__title", "reviewer__username", "reviewer__email"]
    list_select_related = ["programme", "reviewer", "framework"]
    raw_id_fields = ["programme", "reviewer", "assigned_by"]
    inlines = [CriterionScoreInline]


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["reviewer", "organisation_name", "provider", "role", "ended_on"]
    search_fields = ["reviewer__username", "organisation_name", "provider__name"]
    raw_id_fields = ["reviewer", "provider"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # An affiliation is a recorded conflict of interest: it is ended (a date), never erased.
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "programme", "review", "field", "old_value", "new_value"]
    list_filter = ["action"]
    search_fields = ["programme__title", "actor__username", "field"]
    list_select_related = ["actor", "programme"]
    raw_id_fields = ["actor", "programme", "review"]

    # The audit trail is append-only, in the admin as everywhere else.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(ScoreLevel)
admin.site.register(Band)
admin.site.register(LevelDescriptor)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: the outbox of workflow e-mails, for checking what was sent to whom."""

    list_display = ("kind", "programme", "review", "created_at", "sent_at")
    list_filter = ("kind",)
    raw_id_fields = ("programme", "review")
    readonly_fields = ("kind", "programme", "review", "created_at", "sent_at", "recipients")

    def has_add_permission(self, request):
        return False
