from django.contrib import admin
from django.urls import include, path

from qaportal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("providers/", include("providers.urls")),
    path("programmes/", include("programmes.urls")),
    path("convenor/summaries/", include("summaries.urls")),
    path("admin/", admin.site.urls),
]
