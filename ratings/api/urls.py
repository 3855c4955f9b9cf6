from django.urls import path

from ratings.api import views

urlpatterns = [
    path("programmes/<slug:slug>/rating/", views.ProgrammeRatingView.as_view(), name="programme-rating"),
    path("programmes/<slug:slug>/rating/history/", views.RatingHistoryView.as_view(), name="programme-rating-history"),
    path("agreement/", views.AgreementView.as_view(), name="agreement"),
]
