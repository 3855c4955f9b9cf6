"""The convenors' feedback pages under /convenor/feedback/: comments awaiting approval, rounds
with unusual patterns, and the questionnaire's versions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from feedback import patterns, selectors, services
from feedback.forms import ModerateCommentForm, QuestionnaireForm
from feedback.models import ParticipantResponse, Questionnaire
from qaportal.confirmation import act_and_say
from qaportal.errors import DomainError, apply_to_form
from qaportal.http import SignedInRequest
from reviews.views_convenor import convenor_page


@convenor_page
def overview(request: HttpRequest) -> HttpResponse:
    context = {
        "comments": selectors.comments_awaiting_approval()[:200],
        "unusual": patterns.unusual_rounds(),
    }
    return render(request, "feedback/convenor_overview.html", context)


@convenor_page
@require_POST
def moderate_comment(request: SignedInRequest, response_id) -> HttpResponse:
    response = get_object_or_404(ParticipantResponse, pk=response_id)
    form = ModerateCommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to publish the comment.")
        return redirect("feedback-convenor:overview")
    approve = form.cleaned_data["decision"] == "approve"
    moderate = lambda: services.comment_moderate(response=response, by=request.user, approve=approve)  # noqa: E731
    act_and_say(request, moderate, "Comment published." if approve else "Comment kept off the register.")
    return redirect("feedback-convenor:overview")


@convenor_page
def questionnaires(request: HttpRequest) -> HttpResponse:
    versions = Questionnaire.objects.prefetch_related("questions")
    return render(request, "feedback/convenor_questionnaires.html", {"versions": versions})


@convenor_page
@require_POST
def questionnaire_new(request: SignedInRequest) -> HttpResponse:
    draft = services.questionnaire_draft_start(by=request.user)
    return redirect("feedback-convenor:questionnaire-edit", version=draft.version)


@convenor_page
def questionnaire_edit(request: SignedInRequest, version: int) -> HttpResponse:
    draft = get_object_or_404(Questionnaire, version=version, is_published=False)
    form = QuestionnaireForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        try:
            values = {name: form.cleaned_data[name] for name in services.QUESTIONNAIRE_SETTINGS}
            services.questionnaire_draft_update(draft=draft, by=request.user, values=values,
                                                questions=form.cleaned_data["questions"])  # fmt: skip
            if "publish" in request.POST:
                services.questionnaire_publish(draft=draft, by=request.user)
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, f"Version {version} " + ("published." if "publish" in request.POST else "saved."))
            return redirect("feedback-convenor:questionnaires")
    status = 400 if form.errors else 200
    return render(request, "feedback/convenor_questionnaire_form.html", {"form": form, "draft": draft}, status=status)
