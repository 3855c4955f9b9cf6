"""Everything of the review workflow is read-only in the admin.

Frameworks change only on the convenor pages, drafts included: there every edit is checked against
the rest of the version and publishing recomputes the register, so the explanation a page gives
("m = 3") is always the setting the score was computed with. Reviews, their scores and rationales
move through the state machine; the audit trail is append-only and written only by the services
(no hand-made events); concerns and re-reviews are triaged on the convenor pages; affiliations are
declared and ended by reviewers; notifications are the outbox of e-mails, kept as sent.
"""

from django.contrib import admin
from django.db.models import Model

from qaportal.admin_base import ReadOnlyAdmin, ReadOnlyInline
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


def _inline(model: type[Model]) -> type[ReadOnlyInline]:
    """A read-only table of ``model``'s rows under the row they belong to."""
    return type(f"{model.__name__}Inline", (ReadOnlyInline,), {"model": model})


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ["name", "version", "status", "is_live", "published_at", "min_reviews", "prior_weight"]
    list_filter = ["status", "is_live"]
    search_fields = ["name"]
    inlines = [_inline(Element), _inline(ScoreLevel), _inline(Band)]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "element", "weight"]
    list_filter = ["element__framework", "element__key"]
    search_fields = ["code", "title", "guidance"]
    list_select_related = ["element__framework"]
    inlines = [_inline(LevelDescriptor)]


@admin.register(Element)
class ElementAdmin(ReadOnlyAdmin):
    list_display = ["name", "framework", "key", "weight", "position"]
    list_filter = ["framework", "key"]


admin.site.register(ScoreLevel, ReadOnlyAdmin)
admin.site.register(Band, ReadOnlyAdmin)
admin.site.register(LevelDescriptor, ReadOnlyAdmin)


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["programme", "reviewer", "framework", "state", "assigned_at", "submitted_at", "published_at"]
    list_filter = ["state", "framework"]
    search_fields = ["programme__title", "reviewer__username", "reviewer__email"]
    list_select_related = ["programme", "reviewer", "framework"]
    inlines = [_inline(CriterionScore)]


@admin.register(Affiliation)
class AffiliationAdmin(ReadOnlyAdmin):
    list_display = ["reviewer", "organisation_name", "provider", "role", "ended_on"]
    search_fields = ["reviewer__username", "organisation_name", "provider__name"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "programme", "review", "field", "old_value", "new_value"]
    list_filter = ["action"]
    search_fields = ["programme__title", "actor__username", "field"]
    list_select_related = ["actor", "programme"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("kind", "programme", "review", "created_at", "sent_at")
    list_filter = ("kind",)


@admin.register(Concern)
class ConcernAdmin(ReadOnlyAdmin):
    list_display = ("programme", "status", "created_at", "triaged_at")
    list_filter = ("status",)


@admin.register(ReReview)
class ReReviewAdmin(ReadOnlyAdmin):
    list_display = ("programme", "reason", "opened_at", "closed_at")
    list_filter = ("reason",)
