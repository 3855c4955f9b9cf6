"""Bulk import pages, under /imports/."""

from django.urls import path

from programmes import import_views as views

app_name = "imports"

urlpatterns = [
    path("providers/", views.providers_upload, name="providers"),
    path("providers/<slug:provider_slug>/programmes/", views.programmes_upload, name="programmes"),
    path("templates/<str:kind>.<str:extension>", views.template_file, name="template"),
    path("<uuid:pk>/", views.job_detail, name="job"),
    path("<uuid:pk>/import/", views.job_confirm, name="confirm"),
]
