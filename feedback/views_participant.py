"""The participant's pages under /feedback/: no account, nothing that identifies them."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from feedback import services
from feedback.forms import CodeForm, ResponseForm
from qaportal.errors import DomainError, InvalidTransition, apply_to_form

# Guessing codes: a few wrong ones from one address in ten minutes, then a pause.
WRONG_CODES_ALLOWED = 20
WRONG_CODE_WINDOW = 600


def _too_many_wrong_codes(request: HttpRequest) -> bool:
    return cache.get(_wrong_code_key(request), 0) >= WRONG_CODES_ALLOWED


def _count_wrong_code(request: HttpRequest) -> None:
    key = _wrong_code_key(request)
    cache.add(key, 0, WRONG_CODE_WINDOW)
    cache.incr(key)


def _wrong_code_key(request: HttpRequest) -> str:
    return f"feedback-wrong-code:{request.META.get('REMOTE_ADDR', '')}"


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "feedback/participant_refused.html", {"message": message}, status=status)


@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """Type in a code from paper; it leads to the same questionnaire as a link."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _too_many_wrong_codes(request):
            return _refused(request, "Too many codes were not recognised. Wait ten minutes and try again.", 429)
        code = services.normalise_code(form.cleaned_data["code"])
        try:
            services.link_for_answering(code)
        except InvalidTransition as error:
            return _refused(request, error.message, 410)
        except DomainError as error:
            _count_wrong_code(request)
            apply_to_form(form, error)
        else:
            return redirect("feedback:answer", code=code)
    return render(request, "feedback/participant_start.html", {"form": form})


@never_cache
def answer(request: HttpRequest, code: str) -> HttpResponse:
    if _too_many_wrong_codes(request):
        return _refused(request, "Too many codes were not recognised. Wait ten minutes and try again.", 429)
    try:
        link = services.link_for_answering(code)
    except InvalidTransition as error:
        return _refused(request, error.message, 410)
    except DomainError:
        _count_wrong_code(request)
        return _refused(request, "We do not recognise this link. Check it against the one you were given.", 404)
    questionnaire = link.round.questionnaire
    form = ResponseForm(request.POST or None, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit(code=code, answers=form.answers(), comment=form.cleaned_data["comment"])
        except InvalidTransition as error:
            return _refused(request, error.message, 410)
        except DomainError as error:
            apply_to_form(form, error)
        else:
            return redirect("feedback:thanks")
    context = {"form": form, "programme": link.round.programme, "questionnaire": questionnaire}
    return render(request, "feedback/participant_answer.html", context)


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/participant_thanks.html")
