from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from qaportal import health
from qaportal.navigation import role_links


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": health.database_status(), "broker": health.broker_status()}
    healthy = all(state == "ok" or state.startswith("not used") for state in checks.values())
    # The replica is reported, not required: reads fall back to the primary while it is down or behind.
    body = {"status": "ok" if healthy else "down", **checks, "replica": health.replica_status()}
    return JsonResponse(body, status=200 if healthy else 503)


def service_status(request: HttpRequest) -> HttpResponse:
    """The same checks as /healthz, written for a person; machines keep reading /healthz."""
    checks = [
        ("The register's database", health.database_status()),
        ("The background jobs (ratings and e-mails)", health.broker_status()),
    ]
    rows = [
        {"name": name, "ok": state == "ok" or state.startswith("not used"), "detail": state} for name, state in checks
    ]
    healthy = all(row["ok"] for row in rows)
    return render(request, "pages/status.html", {"rows": rows, "healthy": healthy}, status=200 if healthy else 503)


def role_home(request: HttpRequest) -> HttpResponse:
    """Where signing in lands: the person's own work (the admin for staff, who are convenors too
    but sign in to run the register; else their first role page), else the home page."""
    if request.user.is_staff:
        return redirect("admin:index")
    links = role_links(request.user)
    return redirect(links[0].url if links else "home")


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    reason = str(exception) if exception and str(exception) else "Your account does not give access to this page."
    context = {"reason": reason, "own_pages": role_links(request.user)}
    return render(request, "403.html", context, status=403)
