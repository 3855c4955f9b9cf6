from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from feedback import urls as feedback_urls
from programmes import views as programme_views
from qaportal import account_views, views
from reviews import views_cycle
from reviews.urls import convenor_patterns, reviewer_patterns

urlpatterns = [
    path("", programme_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("status/", views.service_status, name="status"),
    path("accessibility/", TemplateView.as_view(template_name="pages/accessibility.html"), name="accessibility"),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("cookies/", TemplateView.as_view(template_name="pages/cookies.html"), name="cookies"),
    path("your-work/", views.role_home, name="role-home"),
    path("accounts/login/", account_views.SignInView.as_view(), name="login"),
    path("accounts/password_reset/", account_views.RateLimitedPasswordResetView.as_view(), name="password_reset"),
    path("accounts/password_change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/two-factor/", account_views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", account_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("providers/", include("providers.urls")),
    path("programmes/<slug:slug>/concern/", views_cycle.raise_concern, name="raise-concern"),
    path("programmes/", include("programmes.urls")),
    path("how-ratings-work/", programme_views.how_ratings_work, name="how-ratings-work"),
    path("convenor/summaries/", include("summaries.urls")),
    path("account/", include("leaders.urls")),
    path("feedback/", include(feedback_urls.participant_patterns)),
    path("provider/feedback/", include(feedback_urls.provider_patterns)),
    path("provider/enquiries/", include("leaders.urls_provider")),
    path("provider/", include("programmes.manage_urls")),
    path("imports/", include("programmes.import_urls")),
    path("", include(("pool.urls", "pool"))),
    path("reviewer/", include(reviewer_patterns)),
    path("convenor/feedback/", include(feedback_urls.convenor_patterns)),
    path("convenor/", include(convenor_patterns)),
    path("api/", include("qaportal.api.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "qaportal.views.permission_denied"
