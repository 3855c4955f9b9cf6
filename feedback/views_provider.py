"""The provider editor's feedback pages under /provider/feedback/: rounds and their links."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from feedback import policies, selectors, services
from feedback.forms import RoundForm
from programmes.manage_views import editor_page
from qaportal.errors import DomainError, apply_to_form
from qaportal.http import SignedInRequest


@editor_page
def rounds(request: SignedInRequest, slug: str) -> HttpResponse:
    """A programme's feedback rounds, and a form to start one (published programmes only)."""
    programme = get_object_or_404(policies.programmes_for_rounds(request.user).select_related("provider"), slug=slug)
    may_create = policies.may_create_round(request.user, programme)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback_round = services.feedback_round_create(programme=programme, by=request.user, **form.cleaned_data)
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, f"{feedback_round.cohort_size} single-use links are ready to give out.")
            return redirect("feedback-provider:round", round_id=feedback_round.id)
    context = {
        "programme": programme,
        "rounds": selectors.rounds_with_counts(programme.feedback_rounds.all()),
        "summary": selectors.participant_summary(programme_id=programme.id),
        "form": form,
        "may_create": may_create,
    }
    return render(request, "feedback/provider_rounds.html", context, status=400 if form.errors else 200)


def _own_round(request: HttpRequest, round_id: int):
    return get_object_or_404(
        selectors.rounds_with_counts(policies.rounds_for_editor(request.user)).select_related("programme__provider"),
        pk=round_id,
    )


@editor_page
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    feedback_round = _own_round(request, round_id)
    links = [
        {"code": services.formatted_code(link.code), "url": _answer_url(request, link.code)}
        for link in feedback_round.links.order_by("id")
    ]
    return render(request, "feedback/provider_round.html", {"round": feedback_round, "links": links})


def _answer_url(request: HttpRequest, code: str) -> str:
    return request.build_absolute_uri(reverse("feedback:answer", kwargs={"code": code}))


@editor_page
def round_links_csv(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round's links and codes, one a row, to mail-merge or print. Which links were used is
    never shown: that would tell the provider who answered."""
    feedback_round = _own_round(request, round_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="feedback-links-{feedback_round.id}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Code", "Link"])
    for link in feedback_round.links.order_by("id"):
        writer.writerow([services.formatted_code(link.code), _answer_url(request, link.code)])
    return response
