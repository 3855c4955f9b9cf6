from django.urls import path

from pool.api import views

urlpatterns = [
    path("pool/applications/", views.ApplicationListView.as_view(), name="pool-application-list"),
    path("pool/applications/<int:pk>/accept/", views.ApplicationAcceptView.as_view(), name="pool-application-accept"),
    path(
        "pool/applications/<int:pk>/decline/", views.ApplicationDeclineView.as_view(), name="pool-application-decline"
    ),
    path("pool/reviewers/", views.PoolListView.as_view(), name="pool-reviewer-list"),
    path("pool/suggestions/", views.QueueSuggestionsView.as_view(), name="pool-queue-suggestions"),
    path(
        "programmes/<slug:slug>/suggestions/",
        views.ProgrammeSuggestionsView.as_view(),
        name="programme-suggestions",
    ),
]
