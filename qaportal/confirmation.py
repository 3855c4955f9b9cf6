"""A page that asks for one reason or comment before an action, then runs it: returning, releasing
or withdrawing a review, withdrawing a programme, declaring a conflict. One template and one
form-handling path serve them all; each action says only its words, its form and its service.
A one-click action (a button with no form) says its outcome as a message: ``act_and_say``."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from qaportal.errors import DomainError, apply_to_form


@dataclass(frozen=True)
class Confirmation:
    """The page's words: ``title`` for the browser tab, the caption over the heading, what happens
    (``lede``), the button, and where "Cancel" goes; once done, ``success`` is said on the page at
    ``done_url`` (the page "Cancel" goes back to, unless given). ``warning`` for an action that
    cannot be undone."""

    title: str
    caption: str
    heading: str
    lede: str
    button: str
    cancel_url: str
    success: str
    done_url: str = ""
    warning: bool = True


def confirmation_page(
    request: HttpRequest, form: forms.Form, page: Confirmation, run: Callable[[dict[str, Any]], object]
) -> HttpResponse:
    """GET shows the page; a valid POST runs ``run(cleaned_data)`` and, once it has succeeded, goes
    on with the page's success message. A refusal is shown beside the field it concerns, with what
    was typed kept."""
    if act_on_form(request, form, run, page.success):
        return redirect(page.done_url or page.cancel_url)
    return render(request, "includes/confirmation.html", {"form": form, "page": page})


def act_on_form(request: HttpRequest, form: forms.Form, run: Callable[[dict[str, Any]], object], success: str) -> bool:
    """On a valid POST, run ``run(cleaned_data)`` and say ``success``; a refusal is put beside the
    field it concerns, with what was typed kept. Says whether it ran and succeeded, so the view
    redirects, or else shows the form again."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        run(form.cleaned_data)
    except DomainError as error:
        apply_to_form(form, error)
        return False
    messages.success(request, success)
    return True


def act_and_say(request: HttpRequest, run: Callable[[], object], success: str) -> bool:
    """Run a one-click action; a refusal becomes an error message the person can read on the next
    page, success the message ``success``. Says whether it succeeded, for views that go on differently."""
    try:
        run()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True
