"""A provider editor's self-assessment pages, under /provider/programmes/<slug>/self-assessment/:
the same task list and element pages as a reviewer's scoring journey, saved privately."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from programmes.manage_views import _own_programme, editor_page
from programmes.models import Programme
from qaportal.errors import DomainError, ValidationFailed
from qaportal.http import SignedInRequest
from reviews import policies
from reviews.models import SelfAssessment
from reviews.scoring_journey import ElementPage, Journey, element_step, framework_journey, render_element_page
from reviews.self_assessment import saved_answers, self_assessment_finish, self_assessment_open, self_assessment_save
from reviews.services import live_framework


def _programme(request: HttpRequest, slug: str) -> Programme:
    programme = _own_programme(request, slug)  # another provider's programme is "not found"
    if not policies.may_self_assess(request.user, programme):
        raise Http404("No such programme.")
    return programme


def _journey(programme: Programme) -> Journey:
    """The self-assessment against the live framework, whether or not anything is saved yet."""
    framework = live_framework()

    def load_saved() -> dict:
        assessment = SelfAssessment.objects.filter(programme=programme, framework=framework).first()
        return saved_answers(assessment) if assessment else {}

    return framework_journey(
        framework.id,
        load_saved=load_saved,
        element_url=lambda key: reverse(
            "manage:self-assessment-element", kwargs={"slug": programme.slug, "element_key": key}
        ),
        check_url=reverse("manage:self-assessment-check", kwargs={"slug": programme.slug}),
    )


def _tasks_url(programme: Programme) -> str:
    return reverse("manage:self-assessment", kwargs={"slug": programme.slug})


@editor_page
def tasks(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    journey = _journey(programme)
    assessment = SelfAssessment.objects.filter(programme=programme, framework_id=journey.framework_id).first()
    context = {"programme": programme, "journey": journey, "assessment": assessment}
    return render(request, "manage/self_assessment.html", context)


@editor_page
def element(request: SignedInRequest, slug: str, element_key: str) -> HttpResponse:
    programme = _programme(request, slug)
    journey = _journey(programme)

    def save(scores) -> None:
        assessment = self_assessment_open(programme=programme, by=request.user)
        self_assessment_save(assessment=assessment, by=request.user, scores=scores)

    next_url, task, form = element_step(request, journey, element_key, save=save, later_url=_tasks_url(programme))
    if next_url:
        return redirect(next_url)
    page = ElementPage(
        programme=programme,
        caption=f"Self-assessment of {programme.title}",
        back_url=_tasks_url(programme),
        back_name="your self-assessment",
    )
    return render_element_page(request, journey, task, form, page)


@editor_page
def check(request: SignedInRequest, slug: str) -> HttpResponse:
    """Check every answer, then mark the self-assessment finished (it stays private either way)."""
    programme = _programme(request, slug)
    journey = _journey(programme)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            assessment = self_assessment_open(programme=programme, by=request.user)
            self_assessment_finish(assessment=assessment, by=request.user)
        except ValidationFailed as error:
            errors = error.field_errors
        except DomainError as error:
            errors = {"__all__": [error.message]}
        else:
            messages.success(request, "Your self-assessment is finished. Only your provider's editors can see it.")
            return redirect(_tasks_url(programme))
    context = {
        "programme": programme,
        "journey": journey,
        "error_links": journey.error_links(errors),
        "back_url": _tasks_url(programme),
    }
    return render(request, "manage/self_assessment_check.html", context)
