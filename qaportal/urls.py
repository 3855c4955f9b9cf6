from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from django.views.generic import TemplateView

from programmes import views as programme_views
from qaportal import views
from reviews.urls import convenor_patterns, reviewer_patterns

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("status/", views.service_status, name="status"),
    path("accessibility/", TemplateView.as_view(template_name="pages/accessibility.html"), name="accessibility"),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("cookies/", TemplateView.as_view(template_name="pages/cookies.html"), name="cookies"),
    path("your-work/", views.role_home, name="role-home"),
    # Signing in lands on the person's own work unless they were on their way to a page.
    path("accounts/login/", auth_views.LoginView.as_view(next_page=reverse_lazy("role-home")), name="login"),
    # E-mailed links start with SITE_URL, whatever host the request came in on.
    path(
        "accounts/password_reset/",
        views.PasswordResetWithSiteUrl.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("providers/", include("providers.urls")),
    path("programmes/", include("programmes.urls")),
    path("how-ratings-work/", programme_views.how_ratings_work, name="how-ratings-work"),
    path("convenor/summaries/", include("summaries.urls")),
    path("provider/", include("programmes.manage_urls")),
    path("reviewer/", include(reviewer_patterns)),
    path("convenor/", include(convenor_patterns)),
    path("api/", include("qaportal.api.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "qaportal.views.permission_denied"
