"""The account pages that differ from Django's own: sign-in (which explains a slowed try), a
password reset with a rate limit, and the two-factor enrolment and verification steps."""

import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse_lazy

from qaportal import forms as forms_base
from qaportal import two_factor
from qaportal.client_address import client_address
from qaportal.redirects import safe_next
from qaportal.security_log import Event, security_event
from qaportal.signin_guard import slowed_message


class SignInForm(forms_base.SignInForm):
    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            message = slowed_message(self.request)
            if message:
                raise forms.ValidationError(message, code="slowed") from None
            raise


class SignInView(auth_views.LoginView):
    """Signing in lands on the person's own work unless they were on their way to a page."""

    form_class = SignInForm
    # A lazy URL, resolved when the view runs; the stubs allow only a str here.
    next_page = reverse_lazy("role-home")  # type: ignore[assignment]


# --- Password reset with a rate limit ----------------------------------------------------------

RESET_WINDOW_SECONDS = 3600


def _counted(key: str, limit: int) -> bool:
    """Count one more request under ``key`` this hour; True while within ``limit``."""
    cache.add(key, 0, RESET_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RESET_WINDOW_SECONDS)
        count = 1
    return count <= limit


def password_reset_allowed(request: HttpRequest, email: str) -> bool:
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    by_address = _counted(
        f"password-reset:address:{client_address(request)}", settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR
    )
    by_account = _counted(f"password-reset:account:{account}", settings.PASSWORD_RESET_PER_ACCOUNT_PER_HOUR)
    return by_address and by_account


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    """Beyond the limits no e-mail goes, and the page says the same neutral thing as ever.

    The reset link starts with SITE_URL, not the host the request happened to use.
    """

    form_class = forms_base.PasswordResetForm

    @property
    def extra_email_context(self):
        return {"site_url": settings.SITE_URL.rstrip("/")}

    def form_valid(self, form):
        if not password_reset_allowed(self.request, form.cleaned_data["email"]):
            security_event(Event.PASSWORD_RESET_LIMITED, request=self.request)
            return HttpResponseRedirect(self.get_success_url())
        security_event(Event.PASSWORD_RESET_REQUESTED, request=self.request)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms_base.SetPasswordForm


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms_base.PasswordChangeForm


# --- Two-factor authentication -----------------------------------------------------------------


class CodeForm(forms_base.NamedErrorsMixin, forms.Form):
    code = forms.CharField(
        label="Security code",
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input govuk-input--width-10",
            }
        ),
    )


def _next_url(request: HttpRequest) -> str:
    return safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    device = two_factor.enrolment_device(request.user)
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = "The 6-digit code your authenticator app shows now."
    if request.method == "POST" and form.is_valid():
        # Asked before the code is tried: trying it counts as one more failure.
        refusal = two_factor.refusal_message(request.user, [device])
        codes = two_factor.enrolment_confirm(request=request, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            return render(
                request, "registration/two_factor_recovery_codes.html", {"codes": codes, "next": _next_url(request)}
            )
        form.add_error("code", refusal)
    context = {
        "form": form,
        "qr_code": two_factor.qr_code_svg(device),
        "secret": two_factor.secret_text(device),
        "next": _next_url(request),
    }
    return render(request, "registration/two_factor_setup.html", context, status=400 if form.errors else 200)


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if not two_factor.has_enrolled(request.user):
        return HttpResponseRedirect(resolve_url("two_factor_setup"))
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = "The 6-digit code your authenticator app shows now, or one of your recovery codes."
    if request.method == "POST" and form.is_valid():
        refusal = two_factor.refusal_message(request.user)
        if two_factor.verification_sign_in(request=request, code=form.cleaned_data["code"]):
            return HttpResponseRedirect(_next_url(request))
        form.add_error("code", refusal)
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )
