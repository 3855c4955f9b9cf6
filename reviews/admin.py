from django.contrib import admin

from reviews.models import (
    Affiliation,
    AuditEvent,
    Band,
    Concern,
    Criterion,
    CriterionScore,
    Element,
    Framework,
    LevelDescriptor,
    Notification,
    ReReview,
    Review,
    ScoreLevel,
)


def _published(obj) -> bool:
    """Whether ``obj`` (a framework or one of its parts) belongs to a published version."""
    if obj is None:
        return False
    framework = obj if isinstance(obj, Framework) else obj.owning_framework()
    return framework.is_published


class FrameworkPartGuard:
    """A published version is read-only in the admin as everywhere else; a draft's parts may be
    edited here, but publishing (which recomputes the register) happens only on the convenor pages."""

    def has_change_permission(self, request, obj=None):
        return not _published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _published(obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        if _published(obj):
            return False
        return super().has_add_permission(request, obj) if obj is not None else super().has_add_permission(request)


class GuardedInline(FrameworkPartGuard, admin.TabularInline):
    extra = 0


class ElementInline(GuardedInline):
    model = Element


class BandInline(GuardedInline):
    model = Band


class ScoreLevelInline(GuardedInline):
    model = ScoreLevel


@admin.register(Framework)
class FrameworkAdmin(FrameworkPartGuard, admin.ModelAdmin):
    list_display = ["name", "version", "status", "is_live", "published_at", "min_reviews", "prior_weight"]
    list_filter = ["status", "is_live"]
    search_fields = ["name"]
    # The life cycle moves only through the publishing service, which recomputes every rating.
    readonly_fields = ["status", "is_live", "published_at"]
    inlines = [ElementInline, ScoreLevelInline, BandInline]

    def has_add_permission(self, request):
        return False  # drafts start from a published version on the convenor pages


class LevelDescriptorInline(GuardedInline):
    model = LevelDescriptor


@admin.register(Criterion)
class CriterionAdmin(FrameworkPartGuard, admin.ModelAdmin):
    list_display = ["code", "title", "element", "weight"]
    list_filter = ["element__framework", "element__key"]
    search_fields = ["code", "title", "guidance"]
    list_select_related = ["element__framework"]
    inlines = [LevelDescriptorInline]


@admin.register(Element)
class ElementAdmin(FrameworkPartGuard, admin.ModelAdmin):
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


class GuardedPartAdmin(FrameworkPartGuard, admin.ModelAdmin):
    pass


admin.site.register(ScoreLevel, GuardedPartAdmin)
admin.site.register(Band, GuardedPartAdmin)
admin.site.register(LevelDescriptor, GuardedPartAdmin)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: the outbox of workflow e-mails, for checking what was sent to whom."""

    list_display = ("kind", "programme", "review", "created_at", "sent_at")
    list_filter = ("kind",)
    raw_id_fields = ("programme", "review")
    readonly_fields = ("kind", "programme", "review", "created_at", "sent_at", "recipients")

    def has_add_permission(self, request):
        return False


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    """Read-only: concerns are triaged on the convenor pages, where every step is audited."""

    list_display = ("programme", "status", "created_at", "triaged_at")
    list_filter = ("status",)
    raw_id_fields = ("programme", "triaged_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReReview)
class ReReviewAdmin(admin.ModelAdmin):
    list_display = ("programme", "reason", "opened_at", "closed_at")
    list_filter = ("reason",)
    raw_id_fields = ("programme", "concern", "opened_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
