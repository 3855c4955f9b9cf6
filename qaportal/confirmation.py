"""A page that asks for one reason or comment before an action, then runs it: returning, releasing
or withdrawing a review, withdrawing a programme, declaring a conflict. One template and one
form-handling path serve them all; each action says only its words, its form and its service."""

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
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, page.success)
            return redirect(page.done_url or page.cancel_url)
    return render(request, "includes/confirmation.html", {"form": form, "page": page})
