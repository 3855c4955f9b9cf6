"""The reviewer's pages (under /reviewer/) and the convenor's (under /convenor/)."""

from django.urls import path

from programmes import change_views
from reviews import views_convenor, views_cycle, views_frameworks, views_reviewer

reviewer_patterns = (
    [
        path("", views_reviewer.assignments, name="assignments"),
        path("reviews/<int:review_id>/", views_reviewer.review, name="review"),
        path(
            "reviews/<int:review_id>/elements/<slug:element_key>/", views_reviewer.review_element, name="review-element"
        ),
        path("reviews/<int:review_id>/submit/", views_reviewer.review_check, name="review-check"),
        path("reviews/<int:review_id>/conflict/", views_reviewer.declare_conflict, name="conflict"),
        path("affiliations/", views_reviewer.affiliations, name="affiliations"),
        path("affiliations/<int:affiliation_id>/end/", views_reviewer.affiliation_end, name="affiliation-end"),
    ],
    "reviewer",
)

F = views_frameworks
framework_patterns = [
    path("frameworks/", F.versions, name="frameworks"),
    path("frameworks/diff/", F.diff, name="framework-diff"),
    path("frameworks/<int:framework_id>/", F.framework, name="framework"),
    path("frameworks/<int:framework_id>/new-draft/", F.new_draft, name="framework-new-draft"),
    path("frameworks/<int:framework_id>/settings/", F.edit_settings, name="framework-settings"),
    path("frameworks/<int:framework_id>/levels/", F.edit_levels, name="framework-levels"),
    path("frameworks/<int:framework_id>/bands/", F.edit_bands, name="framework-bands"),
    path("frameworks/<int:framework_id>/elements/<int:element_id>/", F.edit_element, name="framework-element"),
    path(
        "frameworks/<int:framework_id>/elements/<int:element_id>/criteria/new/",
        F.edit_criterion,
        name="framework-criterion-new",
    ),
    path(
        "frameworks/<int:framework_id>/elements/<int:element_id>/criteria/<int:criterion_id>/",
        F.edit_criterion,
        name="framework-criterion",
    ),
    path(
        "frameworks/<int:framework_id>/elements/<int:element_id>/criteria/<int:criterion_id>/delete/",
        F.delete_criterion,
        name="framework-criterion-delete",
    ),
    path("frameworks/<int:framework_id>/preview/", F.preview, name="framework-preview"),
    path("frameworks/<int:framework_id>/publish/", F.publish, name="framework-publish"),
    path("frameworks/<int:framework_id>/progress/", F.progress, name="framework-progress"),
]

# /convenor/summaries/ belongs to the summaries app; nothing here starts with it.
convenor_patterns = (
    [
        path("", views_convenor.queue, name="queue"),
        path("assignments/upload/", views_convenor.upload, name="upload"),
        path("changes/", change_views.change_list, name="changes"),
        path("changes/<int:change_id>/", change_views.change_decide, name="change"),
        path("programmes/<slug:slug>/", views_convenor.programme, name="programme"),
        path("programmes/<slug:slug>/assign/", views_convenor.assign, name="assign"),
        path("programmes/<slug:slug>/publish/", views_convenor.publish, name="publish"),
        path("programmes/<slug:slug>/withdraw/", views_convenor.withdraw_programme, name="withdraw-programme"),
        path("programmes/<slug:slug>/audit/", views_convenor.programme_audit, name="programme-audit"),
        path("providers/<slug:provider_slug>/audit/", views_convenor.provider_audit, name="provider-audit"),
        path("reviews/<int:review_id>/", views_convenor.review_detail, name="review"),
        path("reviews/<int:review_id>/accept/", views_convenor.accept, name="accept"),
        path("reviews/<int:review_id>/return/", views_convenor.return_review, name="return"),
        path("reviews/<int:review_id>/withdraw/", views_convenor.withdraw_review, name="withdraw-review"),
        path("reviews/<int:review_id>/release/", views_convenor.release_review, name="release-review"),
        *framework_patterns,
        path("expiring/", views_cycle.expiring, name="expiring"),
        path("concerns/", views_cycle.concern_list, name="concerns"),
        path("concerns/<int:concern_id>/", views_cycle.concern_detail, name="concern"),
    ],
    "convenor",
)
