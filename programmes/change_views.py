"""The convenor's pages for changes to public programmes and profiles: the list, and one decision."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from programmes import changes
from programmes.forms import ChangeDecisionForm
from programmes.models import ProgrammeChange
from qaportal.errors import DomainError, apply_to_form
from qaportal.http import SignedInRequest
from reviews.views_convenor import convenor_page


def _field_rows(change: ProgrammeChange) -> list[dict]:
    from programmes.manage_views import _field_label

    return [
        {"label": _field_label(name).capitalize(), "old": _shown(old), "new": _shown(new)}
        for name, (old, new) in change.fields.items()
    ]


def _shown(value) -> str:
    if value in (None, "", []):
        return "Not given"
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


@convenor_page
def change_list(request: HttpRequest) -> HttpResponse:
    waiting = ProgrammeChange.objects.filter(state=ProgrammeChange.State.PENDING).select_related(
        "programme", "provider", "proposed_by"
    )
    page = Paginator(waiting.order_by("proposed_at", "id"), 25).get_page(request.GET.get("page"))
    return render(request, "reviews/convenor/changes.html", {"page": page})


@convenor_page
def change_decide(request: SignedInRequest, change_id: int) -> HttpResponse:
    change = get_object_or_404(ProgrammeChange.objects.select_related("programme", "provider"), pk=change_id)
    form = ChangeDecisionForm(request.POST or None, change=change)
    if request.method == "POST" and form.is_valid():
        try:
            changes.change_decide(
                change=change, by=request.user, decision=form.cleaned_data["decision"], note=form.cleaned_data["note"]
            )
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, "Your decision has been recorded and the provider can see it.")
            return redirect("convenor:changes")
    context = {"change": change, "form": form, "rows": _field_rows(change)}
    return render(request, "reviews/convenor/change.html", context)
