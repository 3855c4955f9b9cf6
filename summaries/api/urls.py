from django.urls import path

from summaries.api import views

urlpatterns = [
    path("summaries/", views.SummaryView.as_view(), name="summaries"),
    path("exports/", views.ExportListView.as_view(), name="export-list"),
    path("exports/<uuid:export_id>/", views.ExportDetailView.as_view(), name="export-detail"),
    path("exports/<uuid:export_id>/file/", views.ExportFileView.as_view(), name="export-file"),
]
