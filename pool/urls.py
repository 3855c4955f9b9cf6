"""The reviewer pool's pages, under the prefixes of the roles that use them."""

from django.urls import path

from pool import views

urlpatterns = [
    path("pool/apply/", views.apply, name="apply"),
    path("pool/application/", views.application, name="application"),
    path("reviewer/calibration/", views.calibration_home, name="calibration"),
    path("reviewer/calibration/start/", views.calibration_start, name="calibration-start"),
    path("reviewer/calibration/<int:attempt_id>/", views.attempt, name="attempt"),
    path("reviewer/calibration/<int:attempt_id>/result/", views.attempt_result, name="attempt-result"),
    path("convenor/pool/", views.pool_list, name="list"),
    path("convenor/pool/reviewers/<str:username>/", views.reviewer_detail, name="reviewer"),
    path("convenor/pool/applications/", views.applications, name="applications"),
    path("convenor/pool/applications/<int:application_id>/", views.application_detail, name="application-detail"),
    path("convenor/pool/applications/<int:application_id>/accept/", views.application_accept, name="accept"),
    path("convenor/pool/calibration/", views.exercises, name="exercises"),
    path("convenor/pool/calibration/<int:exercise_id>/", views.exercise, name="exercise"),
    path("convenor/pool/suggestions/", views.queue_suggestions, name="queue-suggestions"),
    path("convenor/programmes/<slug:slug>/reviewers/", views.choose_reviewers, name="choose"),
]
