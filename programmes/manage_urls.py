"""The provider editor's pages, under /provider/."""

from django.urls import path

from programmes import manage_views as views
from reviews import views_self_assessment as self_assessment

app_name = "manage"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("providers/<slug:provider_slug>/profile/", views.provider_edit, name="provider-edit"),
    path("providers/<slug:provider_slug>/programmes/new/", views.programme_new, name="programme-new"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme"),
    path("programmes/<slug:slug>/edit/", views.programme_edit, name="programme-edit"),
    path("programmes/<slug:slug>/evidence/", views.evidence, name="evidence"),
    path("programmes/<slug:slug>/submit/", views.submit, name="submit"),
    path("programmes/<slug:slug>/withdraw/", views.withdraw, name="withdraw"),
    path("programmes/<slug:slug>/feedback/", views.feedback, name="feedback"),
    path("programmes/<slug:slug>/resubmit/", views.resubmit, name="resubmit"),
    path("programmes/<slug:slug>/self-assessment/", self_assessment.tasks, name="self-assessment"),
    path(
        "programmes/<slug:slug>/self-assessment/elements/<slug:element_key>/",
        self_assessment.element,
        name="self-assessment-element",
    ),
    path("programmes/<slug:slug>/self-assessment/check/", self_assessment.check, name="self-assessment-check"),
    path("concerns/", views.concerns, name="concerns"),
    path("concerns/<int:concern_id>/respond/", views.concern_respond, name="concern-respond"),
]
