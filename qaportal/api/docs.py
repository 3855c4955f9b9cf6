"""Browsable API documentation (Swagger UI) that works under the site's strict content security
policy: no inline script or style, and every asset served from this site, never from a CDN.

The Swagger UI build comes from the pinned ``drf-spectacular-sidecar`` package; only the four
files the page needs are served, by name, from that package.
"""

from pathlib import Path

import drf_spectacular_sidecar
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView

SWAGGER_UI_DIST = (
    Path(drf_spectacular_sidecar.__file__).parent / "static" / "drf_spectacular_sidecar" / "swagger-ui-dist"
)
SWAGGER_UI_FILES = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "application/javascript",
    "swagger-ui-standalone-preset.js": "application/javascript",
    "favicon-32x32.png": "image/png",
}


def asset_url(filename: str) -> str:
    return reverse("api:docs-asset", kwargs={"filename": filename})


class SwaggerDocsView(SpectacularSwaggerSplitView):
    url_name = "api:schema"
    title = "LPD/CPD Quality Register API"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if request.GET.get("script") is not None:
            return super().get(request, *args, **kwargs)
        context = {
            "title": self.title,
            "favicon": asset_url("favicon-32x32.png"),
            "css": asset_url("swagger-ui.css"),
            "bundle": asset_url("swagger-ui-bundle.js"),
            "preset": asset_url("swagger-ui-standalone-preset.js"),
            "init": f"{request.path}?script=",
        }
        return render(request, "api/docs.html", context)


@cache_control(public=True, max_age=24 * 3600)
def docs_asset(request, filename: str) -> FileResponse:
    if filename not in SWAGGER_UI_FILES:
        raise Http404("No such documentation asset")
    return FileResponse(open(SWAGGER_UI_DIST / filename, "rb"), content_type=SWAGGER_UI_FILES[filename])
