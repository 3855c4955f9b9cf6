"""API v1 under /api/v1/, its OpenAPI 3 schema at /api/schema/ and browsable docs at /api/docs/.

Each app keeps its own endpoints in its ``api/urls.py``; this is the one place they are joined.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from feedback.api import urls as feedback_urls
from leaders.api import urls as leader_urls
from pool.api import urls as pool_urls
from programmes.api import urls as programme_urls
from providers.api import urls as provider_urls
from qaportal.api import docs, views
from ratings.api import urls as rating_urls
from reviews.api import urls as review_urls
from summaries.api import urls as summary_urls

app_name = "api"

v1_patterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    *review_urls.urlpatterns,
    *pool_urls.urlpatterns,
    *programme_urls.urlpatterns,
    *rating_urls.urlpatterns,
    *provider_urls.urlpatterns,
    *summary_urls.urlpatterns,
    *feedback_urls.urlpatterns,
    *leader_urls.urlpatterns,
]

urlpatterns = [
    path("v1/", include(v1_patterns)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.SwaggerDocsView.as_view(), name="docs"),
    path("docs/assets/<str:filename>", docs.docs_asset, name="docs-asset"),
    re_path(r"", views.api_not_found, name="not-found"),
]
