from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from qaportal import health
from qaportal.selectors import register_counts


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"counts": register_counts()})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": health.database_status(), "broker": health.broker_status()}
    healthy = all(state == "ok" or state.startswith("not used") for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503)
