"""The page on which a programme is withdrawn, with a reason: its editor's and a convenor's ask the
same question of the same service, in their own words and with their own way back."""

from django import forms
from django.http import HttpResponse

from programmes import lifecycle
from programmes.models import Programme
from qaportal.confirmation import Confirmation, confirmation_page
from qaportal.http import SignedInRequest


def withdraw_page(
    request: SignedInRequest,
    programme: Programme,
    form: forms.Form,
    *,
    title: str,
    lede: str,
    success: str,
    cancel_url: str,
) -> HttpResponse:
    """Asks for the reason (the form's ``reason``) and withdraws the programme with it."""
    page = Confirmation(
        title=title,
        caption=programme.provider.name,
        heading=f"Withdraw {programme.title}",
        lede=lede,
        button="Withdraw programme",
        cancel_url=cancel_url,
        success=success,
    )
    withdraw = lambda data: lifecycle.programme_withdraw(programme=programme, by=request.user, reason=data["reason"])  # noqa: E731
    return confirmation_page(request, form, page, run=withdraw)
