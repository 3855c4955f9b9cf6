from django.contrib import admin
from django.urls import include, path

from programmes import views as programme_views
from qaportal import views
from reviews.urls import convenor_patterns, reviewer_patterns

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("providers/", include("providers.urls")),
    path("programmes/", include("programmes.urls")),
    path("how-ratings-work/", programme_views.how_ratings_work, name="how-ratings-work"),
    path("convenor/summaries/", include("summaries.urls")),
    path("provider/", include("programmes.manage_urls")),
    path("", include(("pool.urls", "pool"))),
    path("reviewer/", include(reviewer_patterns)),
    path("convenor/", include(convenor_patterns)),
    path("api/", include("qaportal.api.urls")),
    path("admin/", admin.site.urls),
]
