from django.urls import path

from providers.api import views

urlpatterns = [
    path("providers/", views.ProviderListView.as_view(), name="provider-list"),
    path("providers/<slug:slug>/", views.ProviderDetailView.as_view(), name="provider-detail"),
    path(
        "providers/<slug:slug>/programmes/", views.ProviderProgrammeListView.as_view(), name="provider-programme-list"
    ),
]
