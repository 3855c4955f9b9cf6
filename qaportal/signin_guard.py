"""Slowing, never locking: the per-username ceiling on failed sign-ins.

django-axes locks a username for one client address after AXES_FAILURE_LIMIT failures from it, so
guessing from one address stops and nobody else is affected. Guessing from many addresses is what
this backend slows: once a username has more than SIGNIN_USERNAME_CEILING failures in the cool-off
(from every address together), an address that has itself failed for that username must wait
before its next try, 2, 4, 8 … seconds up to SIGNIN_SLOWDOWN_MAX_SECONDS. An address that has
not failed for it is never made to wait, so the account's owner, signing in from their own
address, cannot be locked out by someone else.
"""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.utils import timezone

from qaportal.client_address import client_address
from qaportal.security_log import Event, security_event


def wait_seconds(*, username: str, address: str, now=None) -> int:
    """How long ``address`` must still wait before trying ``username`` again (0: it may try now)."""
    now = now or timezone.now()
    window = now - timedelta(hours=settings.AXES_COOLOFF_TIME)
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=window)
    total = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
    if total <= settings.SIGNIN_USERNAME_CEILING:
        return 0
    own = attempts.filter(ip_address=address).order_by("-attempt_time").values_list("attempt_time", flat=True).first()
    if own is None:
        return 0
    delay = min(2 ** (total - settings.SIGNIN_USERNAME_CEILING), settings.SIGNIN_SLOWDOWN_MAX_SECONDS)
    remaining = (own + timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(remaining + 0.999))


class SlowedSignIn(PermissionDenied):
    def __init__(self, seconds: int):
        super().__init__(f"Too many failed sign-ins for this account. Wait {seconds} seconds and try again.")
        self.seconds = seconds


class SignInSlowdownBackend:
    """First among the authentication backends after axes: refuses, without checking the password,
    a try that comes too soon; Django then stops asking the other backends."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not username:
            return None
        seconds = wait_seconds(username=username, address=client_address(request))
        if seconds:
            request.signin_wait_seconds = seconds
            security_event(Event.SIGNIN_SLOWED, request=request, username=username, wait_seconds=seconds)
            raise SlowedSignIn(seconds)
        # No get_user: this backend never signs anyone in, so a session never names it.
        return None


def slowed_message(request) -> str | None:
    seconds = getattr(request, "signin_wait_seconds", 0)
    if not seconds:
        return None
    return f"Too many failed sign-ins for this account. Wait {seconds} seconds and try again."
