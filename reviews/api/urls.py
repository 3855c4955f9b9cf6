from django.urls import path

from reviews.api import views

urlpatterns = [
    path("framework/", views.LiveFrameworkView.as_view(), name="framework"),
]
