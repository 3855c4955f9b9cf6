"""Middleware of the register's own (the health probe's is in qaportal.health)."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import Http404
from django.shortcuts import render
from django.urls import get_resolver

from qaportal.errors import DomainError, Gone, InvalidTransition, NotFound, NotPermitted

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD")
# A fail-over can drop the fresh connection too; two more tries, then the error stands.
RETRIES = 2


class RetryDroppedConnectionMiddleware:
    """Run a read again when its database connection was dropped under it.

    CONN_HEALTH_CHECKS replaces a persistent connection the server closed while it sat idle; this
    covers the other case, a connection terminated while a request was using it (a database restart
    or fail-over, an administrator's pg_terminate_backend). Only GET and HEAD are retried: they
    change nothing, so running one again is harmless. A write fails as before, inside its transaction,
    so nothing half-done is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.method not in SAFE_METHODS or getattr(request, "_retried_after_dropped_connection", False):
            return None
        request._retried_after_dropped_connection = True
        for _attempt in range(RETRIES):
            if not isinstance(exception, OperationalError | InterfaceError) or not _a_connection_was_lost():
                return None
            logger.warning("Database connection lost during %s %s; retrying", request.method, request.path)
            for connection in connections.all(initialized_only=True):
                connection.close()
            match = request.resolver_match
            try:
                return match.func(request, *match.args, **match.kwargs)
            except DatabaseError as error:
                exception = error
        logger.error("%s %s failed after %s retries on fresh connections", request.method, request.path, RETRIES)
        return None


def _a_connection_was_lost() -> bool:
    return any(
        connection.connection is not None and not connection.is_usable()
        for connection in connections.all(initialized_only=True)
    )


class PermissionRefusedLogMiddleware:
    """A security event for every 403, wherever it was decided (a policy, a decorator, the API)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            from qaportal.security_log import Event, security_event

            security_event(Event.PERMISSION_REFUSED, request=request, method=request.method, path=request.path[:300])
        return response


def page_status(error: DomainError) -> int:
    """The HTTP status of a domain error on a page: the same as the API gives it."""
    if isinstance(error, NotPermitted):
        return 403
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Gone):
        return 410
    if isinstance(error, InvalidTransition):
        return 409
    return 400


class DomainErrorPageMiddleware:
    """The pages' one mapping of the domain's errors (qaportal.errors) that no form took: refused →
    the 403 page with the reason, not found → the 404 page, the rest → a page saying why, with the
    status the API would give. A view with a form shows the error on it instead (``apply_to_form``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        status = page_status(exception)
        if status == 403:
            return get_resolver().resolve_error_handler(403)(request, exception=PermissionDenied(exception.message))
        if status == 404:
            return get_resolver().resolve_error_handler(404)(request, exception=Http404(exception.message))
        return render(request, "refused.html", {"reason": exception.message}, status=status)
