"""Ratings are derived by the engine: the admin shows them and never adds, edits or deletes one."""

from django.contrib import admin

from qaportal.admin_base import ReadOnlyAdmin
from ratings.models import ProgrammeRating, ProviderRating, RatingHistory, StaleRating


@admin.register(ProgrammeRating)
class ProgrammeRatingAdmin(ReadOnlyAdmin):
    list_display = ["programme", "band", "raw_mean", "shown_score", "review_count", "computed_at"]
    list_filter = ["band"]
    search_fields = ["programme__title"]
    list_select_related = ["programme"]


@admin.register(ProviderRating)
class ProviderRatingAdmin(ReadOnlyAdmin):
    list_display = ["provider", "band", "raw_mean", "shown_score", "rated_programmes", "review_count", "computed_at"]
    list_filter = ["band"]
    search_fields = ["provider__name"]
    list_select_related = ["provider"]


@admin.register(RatingHistory)
class RatingHistoryAdmin(ReadOnlyAdmin):
    list_display = ["programme", "band", "raw_mean", "shown_score", "review_count", "computed_at"]
    search_fields = ["programme__title"]
    list_select_related = ["programme"]


@admin.register(StaleRating)
class StaleRatingAdmin(ReadOnlyAdmin):
    list_display = ["programme", "marked_at"]
    list_select_related = ["programme"]
