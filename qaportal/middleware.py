"""Middleware of the register's own (the health probe's is in qaportal.health)."""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError, connections

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
