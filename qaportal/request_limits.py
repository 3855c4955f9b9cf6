"""A request body over ``REQUEST_BODY_MAX_BYTES`` is refused with 413 before anything reads it.

Django's own limits (``DATA_UPLOAD_MAX_MEMORY_SIZE``, ``DATA_UPLOAD_MAX_NUMBER_FIELDS``) apply
to form fields but not to uploaded files, which it streams to disk however large; the
declared length is checked here first, so a 100 MB anonymous POST costs nothing to refuse.
A proxy in front should refuse it sooner still; this holds if it does not.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

TOO_LARGE = "The request is too large: send at most {limit} MB."


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        limit = _limit_for(request.path)
        if _declared_length(request) > limit:
            return _too_large(request, limit)
        return self.get_response(request)


def _limit_for(path: str) -> int:
    for prefix, limit in settings.REQUEST_BODY_MAX_BYTES_BY_PATH.items():
        if path.startswith(prefix):
            return limit
    return settings.REQUEST_BODY_MAX_BYTES


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    message = TOO_LARGE.format(limit=round(limit / 1_000_000, 1))
    if request.path.startswith("/api/"):
        body = {"status": 413, "code": "request_too_large", "detail": message, "errors": {}}
        response: HttpResponse = JsonResponse(body, status=413)
    else:
        response = HttpResponse(render_to_string("413.html", {"message": message}), status=413)
    # The body is not read, so the connection cannot be reused for another request.
    response["Connection"] = "close"
    return response
