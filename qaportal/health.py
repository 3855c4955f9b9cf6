"""Checks of the services the register depends on, for /healthz and operators."""

from django.conf import settings
from django.db import connection

from qaportal.celery import app as celery_app
from qaportal.read_replica import replica_health


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:  # noqa: BLE001 - any failure means "down"; the reason is reported.
        return f"down: {error.__class__.__name__}"


def broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not used (tasks run inline)"
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as error:  # noqa: BLE001 - as above.
        return f"down: {error.__class__.__name__}"


def replica_status() -> str:
    """The read replica, looked at afresh: "ok", "lagging: …", "down: …" or "not configured".

    Never part of whether the register is up: without the replica the primary answers every read.
    """
    return str(replica_health.current(force=True))


class HealthProbeMiddleware:
    """Answer ``/healthz`` before anything that looks at the Host header or the scheme.

    The container's probe connects to 127.0.0.1 over plain HTTP from inside the deployment, so
    ALLOWED_HOSTS (a 400) and the HTTPS redirect (a 301) would otherwise refuse it. The answer holds
    nothing but whether the database, the broker and the read replica are up.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            from qaportal.views import healthz

            return healthz(request)
        return self.get_response(request)
