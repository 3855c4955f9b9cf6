from django.urls import path

from programmes.api import views

urlpatterns = [
    path("programmes/", views.ProgrammeListView.as_view(), name="programme-list"),
    path("programmes/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme-detail"),
    path("programmes/<slug:slug>/withdraw/", views.ProgrammeWithdrawView.as_view(), name="programme-withdraw"),
]
