"""Two-factor authentication (TOTP, with recovery codes) for the people who publish ratings.

The rule is here, once: convenors, staff and superusers must have verified a second factor in this
session before any page but the two-factor pages themselves (``TwoFactorMiddleware``), and before the
API issues them a token (``second_factor_refusal``). TWO_FACTOR_REQUIRED turns it on (production).
"""

import secrets
from base64 import b32encode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework import exceptions

from qaportal.api.exceptions import CredentialsRefused
from qaportal.roles import Role, has_role
from qaportal.security_log import Event, security_event

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def needs_second_factor(user) -> bool:
    if not settings.TWO_FACTOR_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or has_role(user, Role.CONVENOR)


def has_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


# --- Enrolment -------------------------------------------------------------------------------


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (the same one until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it when typed in: base32, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[index : index + 4] for index in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    import segno

    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#0b0c0c", light="#ffffff", title="QR code for your authenticator app"
    )
    # An image with a name for screen readers, which read the key as text below it instead.
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1)


def enrolment_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with a code it shows; returns the new recovery codes (shown once),
    or None if the code is not right. Any earlier authenticator of the user's is replaced."""
    user = request.user
    if not device.verify_token(normalised(code)):
        security_event(Event.TWO_FACTOR_FAILED, request=request, step="enrolment")
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_replace(user)
    otp_login(request, device)
    security_event(Event.TWO_FACTOR_ENROLLED, request=request)
    return codes


def recovery_codes_replace(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


# --- Verification ----------------------------------------------------------------------------

WRONG_CODE = "That code is not right. Enter the 6-digit code your app shows now, or a recovery code."
THROTTLED = "You have entered too many wrong codes. Wait a few seconds, then enter the code your app shows."


def refusal_message(user, devices=None) -> str:
    """Why a code was refused: wrong, or entered too soon after wrong ones (django-otp's throttling
    doubles the wait after each wrong code)."""
    devices = devices if devices is not None else TOTPDevice.objects.filter(user=user)
    throttled = any(not device.verify_is_allowed()[0] for device in devices)
    return THROTTLED if throttled else WRONG_CODE


def normalised(code: str) -> str:
    return "".join((code or "").split()).lower()[:32]


def verified_device(user, code: str):
    """The device that accepts ``code`` (a 6-digit code from the app, or a recovery code, used up), or None."""
    code = normalised(code)
    if not code:
        return None
    model = TOTPDevice if code.isdigit() else StaticDevice
    for device in model.objects.filter(user=user, confirmed=True):
        accepted = verify_token(user, device.persistent_id, code)
        if accepted is not None:
            return accepted
    return None


def verification_sign_in(*, request: HttpRequest, code: str) -> bool:
    device = verified_device(request.user, code)
    if device is None:
        security_event(Event.TWO_FACTOR_FAILED, request=request, step="sign-in")
        return False
    otp_login(request, device)
    security_event(Event.TWO_FACTOR_VERIFIED, request=request, device=type(device).__name__)
    return True


def second_factor_refusal(request, user, *, code: str) -> None:
    """For the API's token exchange: convenors and staff send ``otp`` as well as their password."""
    if not needs_second_factor(user):
        return
    if not has_enrolled(user):
        raise exceptions.PermissionDenied(
            "Set up two-factor authentication on the website before asking for an API token.",
            code="two_factor_not_set_up",
        )
    device = verified_device(user, code)
    if device is None:
        security_event(Event.TWO_FACTOR_FAILED, request=request, user=user, step="api-token")
        raise CredentialsRefused(
            {"otp": ["Enter the 6-digit code your authenticator app shows now, or a recovery code."]}
        )
    security_event(Event.TWO_FACTOR_VERIFIED, request=request, user=user, device=type(device).__name__)


# --- Enforcement -----------------------------------------------------------------------------


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: a convenor or staff member who has signed in with a password
    but not yet a second factor reaches nothing but the two-factor pages and signing out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", AnonymousUser())
        if needs_second_factor(user) and not is_verified(user) and not self._exempt(request.path_info):
            return self._refuse(request, user)
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        exempt = (reverse("two_factor_setup"), reverse("two_factor_verify"), reverse("logout"), settings.STATIC_URL)
        return path.startswith(exempt) or path == "/healthz"

    @staticmethod
    def _refuse(request, user):
        if request.path_info.startswith("/api/"):
            body = {
                "status": 403,
                "code": "two_factor_required",
                "detail": "Verify your second factor on the website first.",
                "errors": {},
            }
            return JsonResponse(body, status=403)
        target = reverse("two_factor_verify") if has_enrolled(user) else reverse("two_factor_setup")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
