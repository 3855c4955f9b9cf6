"""The reviewer's pages (under /reviewer/) and the convenor's (under /convenor/)."""

from django.urls import path

from programmes import change_views
from reviews import views_convenor, views_reviewer

reviewer_patterns = (
    [
        path("", views_reviewer.assignments, name="assignments"),
        path("reviews/<int:review_id>/", views_reviewer.review, name="review"),
        path("reviews/<int:review_id>/conflict/", views_reviewer.declare_conflict, name="conflict"),
        path("affiliations/", views_reviewer.affiliations, name="affiliations"),
        path("affiliations/<int:affiliation_id>/end/", views_reviewer.affiliation_end, name="affiliation-end"),
    ],
    "reviewer",
)

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
        path("reviews/<int:review_id>/", views_convenor.review_detail, name="review"),
        path("reviews/<int:review_id>/accept/", views_convenor.accept, name="accept"),
        path("reviews/<int:review_id>/return/", views_convenor.return_review, name="return"),
        path("reviews/<int:review_id>/withdraw/", views_convenor.withdraw_review, name="withdraw-review"),
        path("reviews/<int:review_id>/release/", views_convenor.release_review, name="release-review"),
    ],
    "convenor",
)
