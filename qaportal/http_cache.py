"""HTTP caching of the public pages: validators from the change version, shared caching only for
responses that are the same for every visitor.

The directory, programme, provider pages and badges carry an ``ETag`` made of the register's change
version (``programmes.directory_version``, which moves with every change those pages show), the
full path with its query string and the release. A conditional request whose ETag still matches
gets ``304`` before the view renders or reads anything more. A response goes out as
``Cache-Control: public`` (for a shared cache in front of the portal) only when nothing in it is the
visitor's own: a signed-in visitor (their name and sign-out form in the header), a compare list (the
"Compare (2 of 4)" link and "Remove" buttons) or a message waiting to be shown make it ``private,
no-cache`` with no ETag, rendered afresh each time. ``Vary: Cookie`` (set by the session middleware,
which these checks read) keeps a shared cache from handing one visitor's page to another whose
cookies differ. There is no language negotiation (the service is English only), so nothing else
varies.

Why the compare forms carry no CSRF token: a token is the visitor's own (it must match their
cookie), so a page holding one cannot be shared, and every directory result has an "Add to compare"
form. The compare list is the visitor's own session's, and nothing else changes by those forms; so
``same_origin_post`` checks the browser's Fetch Metadata and Origin headers instead, which every
current browser sends on a cross-site form post.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

# What else an app's pages show that is the visitor's own (the compare list): each app adds its
# check from its ``AppConfig.ready``, so this module names no app.
_personal_checks: list[Callable[[HttpRequest], bool]] = []


def shows_personal(check: Callable[[HttpRequest], bool]) -> None:
    """Add ``check``: a page rendered for a request it is true for shows something of that visitor's own."""
    if check not in _personal_checks:
        _personal_checks.append(check)


def is_personal(request: HttpRequest) -> bool:
    """Whether a page rendered for this request would show anything that is this visitor's own."""
    if request.user.is_authenticated or any(check(request) for check in _personal_checks):
        return True
    return len(get_messages(request)) > 0  # counted, not consumed: the page still shows them


def etag_for(request: HttpRequest, version: int) -> str:
    key = f"{version}|{request.get_full_path()}|{settings.RELEASE}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _matches(request: HttpRequest, etag: str) -> bool:
    wanted = request.headers.get("If-None-Match", "")
    return etag in {tag.strip().removeprefix("W/") for tag in wanted.split(",")} or wanted.strip() == "*"


def _mark_shared(response: HttpResponse, etag: str, max_age: int | None) -> HttpResponse:
    response["ETag"] = etag
    seconds = settings.PUBLIC_PAGE_MAX_AGE if max_age is None else max_age
    # At 0 every cache, the browser's included, asks again before each use: a 304 while nothing
    # shown has changed, and a change seen at once (the register's freshness promise).
    patch_cache_control(response, public=True, max_age=seconds, must_revalidate=seconds == 0)
    return response


def cached_for_everyone(version_of: Callable[[HttpRequest], int], *, personal: bool = True, max_age: int | None = None):
    """Give the view's GET responses a change-version ETag, answer a matching conditional request with
    304 without calling the view, and let shared caches keep what is the same for everyone.

    ``version_of``: the change version the response will show. ``personal``: whether the page can
    show the visitor's own things (see ``is_personal``); a badge cannot. ``max_age``: seconds a
    cache may serve it without asking (``PUBLIC_PAGE_MAX_AGE`` by default).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or (personal and is_personal(request)):
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True, no_cache=True)
                return response
            etag = etag_for(request, version_of(request))
            if _matches(request, etag):
                response = _mark_shared(HttpResponse(status=304), etag, max_age)
            else:
                response = view(request, *args, **kwargs)
                if response.status_code != 200:
                    return response
                _mark_shared(response, etag, max_age)
            if personal:
                patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorator


def same_origin_post(view):
    """Refuse a form post another site's page made (see the module): the Fetch Metadata header
    where the browser sends one, else the Origin header; a client sending neither is no browser
    carrying someone else's cookies."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        site = request.headers.get("Sec-Fetch-Site")
        origin = request.headers.get("Origin")
        if site is not None and site not in ("same-origin", "none"):
            return HttpResponseForbidden("This form can only be sent from the register's own pages.")
        if site is None and origin is not None and origin not in _own_origins(request):
            return HttpResponseForbidden("This form can only be sent from the register's own pages.")
        return view(request, *args, **kwargs)

    return wrapper


def _own_origins(request: HttpRequest) -> set[str]:
    return {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
