from django.urls import path

from summaries import views

app_name = "summaries"

urlpatterns = [
    path("", views.index, name="index"),
    path("download.csv", views.download_csv, name="download_csv"),
    path("columns/", views.columns, name="columns"),
    path("exports/", views.export_list, name="export_list"),
    path("exports/new", views.export_create, name="export_create"),
    path("exports/<uuid:pk>/", views.export_detail, name="export_detail"),
    path("exports/<uuid:pk>/status.json", views.export_status, name="export_status"),
    path("exports/<uuid:pk>/download", views.export_download, name="export_download"),
]
