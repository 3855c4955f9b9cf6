from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("export.csv", views.programme_export, name="export"),
    path("compare/", views.compare_page, name="compare"),
    path("compare/add/", views.compare_add, name="compare-add"),
    path("compare/remove/", views.compare_remove, name="compare-remove"),
    path("<slug:slug>/", views.programme_detail, name="detail"),
    path("<slug:slug>/badge.svg", views.programme_badge, name="badge"),
]
