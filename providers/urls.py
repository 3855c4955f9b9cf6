from django.urls import path

from providers import views

app_name = "providers"

urlpatterns = [
    path("", views.provider_list, name="list"),
    path("<slug:slug>/", views.provider_detail, name="detail"),
    path("<slug:slug>/badge.svg", views.provider_badge, name="badge"),
]
