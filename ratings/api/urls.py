from django.urls import path

from ratings.api import views

urlpatterns = [
    path("programmes/<slug:slug>/rating/", views.ProgrammeRatingView.as_view(), name="programme-rating"),
]
