"""Where to send a person after a form: the page they came from, if it is one of ours."""

from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The posted (or queried) ``next`` when it is a page on this site, else ``fallback``.

    Only absolute paths and this host's own URLs count: a bare word such as ``foo`` is neither (and
    ``redirect()`` would take it for a view's name and fail), and an unsafe or junk ``next`` is
    ignored rather than refused, as Django's sign-in view does.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    on_this_site = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if on_this_site and target.startswith(("/", "http://", "https://")):
        return target
    return fallback


def next_or(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Redirect to ``safe_next``."""
    return HttpResponseRedirect(safe_next(request, fallback))
