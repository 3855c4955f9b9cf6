"""The convenor's framework pages (under /convenor/frameworks/): versions, the draft's task list and
its edit pages, the publication preview, publishing with the recompute's progress, and diffs."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from qaportal.confirmation import act_and_say
from qaportal.errors import DomainError, apply_to_form
from qaportal.http import SignedInRequest
from qaportal.roles import page_for
from ratings.engine import RECOMPUTE_STEPS
from ratings.models import FrameworkPublication
from reviews import frameworks, policies
from reviews.framework_diff import framework_diff
from reviews.framework_forms import BandsForm, CriterionForm, DiffForm, ElementForm, LevelsForm, SettingsForm
from reviews.framework_preview import publication_preview
from reviews.models import Criterion, Element, Framework, FrameworkStatus

framework_page = page_for(policies.may_manage_frameworks, "These pages are for convenors.")


def _framework(framework_id: int) -> Framework:
    return get_object_or_404(Framework, pk=framework_id)


def _draft(framework_id: int) -> Framework:
    return frameworks.draft_to_edit(_framework(framework_id))


@framework_page
def versions(request: HttpRequest) -> HttpResponse:
    all_versions = list(Framework.objects.all())
    context = {
        "versions": all_versions,
        "live": next((f for f in all_versions if f.is_live), None),
        "drafts": [f for f in all_versions if f.status == FrameworkStatus.DRAFT],
        "diff_form": DiffForm(initial={"before": all_versions[-1:], "after": all_versions[:1]}),
    }
    return render(request, "reviews/frameworks/versions.html", context)


@require_POST
@framework_page
def new_draft(request: SignedInRequest, framework_id: int) -> HttpResponse:
    try:
        draft = frameworks.framework_new_draft(source=_framework(framework_id), by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("convenor:frameworks")
    messages.success(request, f"Version {draft.version} has been started as a draft.")
    return redirect("convenor:framework", framework_id=draft.pk)


@framework_page
def framework(request: HttpRequest, framework_id: int) -> HttpResponse:
    """A draft's task list, or a published version read-only."""
    version = _framework(framework_id)
    elements = list(version.elements.prefetch_related("criteria__descriptors", "criteria__crosswalk_tags"))
    context = {
        "framework": version,
        "elements": elements,
        "levels": list(version.levels.all()),
        "bands": list(version.bands.all()),
        "settings": [
            (SettingsForm.base_fields[name].label, getattr(version, name)) for name in frameworks.settings_fields()
        ],
        "problems": frameworks.incompleteness(version) if version.status == FrameworkStatus.DRAFT else [],
    }
    template = (
        "reviews/frameworks/task_list.html"
        if version.status == FrameworkStatus.DRAFT
        else "reviews/frameworks/version.html"
    )
    return render(request, template, context)


def _edit(request, *, framework: Framework, form, template: str, save, context: dict | None = None):
    """GET shows the form; a valid POST calls ``save()``: on success back to the task list, else
    the form again with every error beside its field and everything typed kept."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, "Your changes to the draft have been saved.")
            return redirect("convenor:framework", framework_id=framework.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"framework": framework, "form": form, **(context or {})}, status=status)


@framework_page
def edit_settings(request: SignedInRequest, framework_id: int) -> HttpResponse:
    draft = _draft(framework_id)
    form = SettingsForm(request.POST or None, instance=Framework.objects.get(pk=draft.pk))
    save = lambda: frameworks.framework_settings_update(  # noqa: E731
        framework=draft, by=request.user, values={name: form.cleaned_data[name] for name in form.Meta.fields}
    )
    return _edit(request, framework=draft, form=form, template="reviews/frameworks/settings.html", save=save)


def _edit_rows(request: SignedInRequest, framework_id: int, rows: str, form_class, typed, save) -> HttpResponse:
    """The levels' page and the bands' page: a table of the draft's ``rows``, saved as a whole.
    ``rows`` names them alike on the draft, in the form, in the service and in the template."""
    draft = _draft(framework_id)
    form = form_class(request.POST or None, **{rows: list(getattr(draft, rows).all())})
    return _edit(
        request,
        framework=draft,
        form=form,
        template=f"reviews/frameworks/{rows}.html",
        save=lambda: save(framework=draft, by=request.user, **{rows: typed(form)}),
    )


@framework_page
def edit_levels(request: SignedInRequest, framework_id: int) -> HttpResponse:
    return _edit_rows(request, framework_id, "levels", LevelsForm, LevelsForm.level_inputs, frameworks.levels_save)


@framework_page
def edit_bands(request: SignedInRequest, framework_id: int) -> HttpResponse:
    return _edit_rows(request, framework_id, "bands", BandsForm, BandsForm.band_values, frameworks.bands_save)


@framework_page
def edit_element(request: SignedInRequest, framework_id: int, element_id: int) -> HttpResponse:
    draft = _draft(framework_id)
    element = get_object_or_404(Element, pk=element_id, framework=draft)
    form = ElementForm(request.POST or None, instance=Element.objects.get(pk=element.pk))
    save = lambda: frameworks.element_update(element=element, by=request.user, **form.cleaned_data)  # noqa: E731
    context = {"element": element, "criteria": list(element.criteria.all())}
    return _edit(
        request, framework=draft, form=form, template="reviews/frameworks/element.html", save=save, context=context
    )


@framework_page
def edit_criterion(request: SignedInRequest, framework_id: int, element_id: int, criterion_id: int | None = None):
    draft = _draft(framework_id)
    element = get_object_or_404(Element, pk=element_id, framework=draft)
    criterion = get_object_or_404(Criterion, pk=criterion_id, element=element) if criterion_id else None
    form = CriterionForm(request.POST or None, levels=list(draft.levels.all()), criterion=criterion)
    save = lambda: frameworks.criterion_save(  # noqa: E731
        element=element, by=request.user, typed=form.to_input(), criterion=criterion
    )
    context = {"element": element, "criterion": criterion}
    return _edit(
        request, framework=draft, form=form, template="reviews/frameworks/criterion.html", save=save, context=context
    )


@require_POST
@framework_page
def delete_criterion(request: SignedInRequest, framework_id: int, element_id: int, criterion_id: int) -> HttpResponse:
    draft = _draft(framework_id)
    criterion = get_object_or_404(Criterion, pk=criterion_id, element_id=element_id, element__framework=draft)
    removed = f"{criterion.code} has been removed from the draft."
    act_and_say(request, lambda: frameworks.criterion_delete(criterion=criterion, by=request.user), removed)
    return redirect("convenor:framework-element", framework_id=draft.pk, element_id=element_id)


@framework_page
def preview(request: HttpRequest, framework_id: int) -> HttpResponse:
    draft = _draft(framework_id)
    problems = frameworks.incompleteness(draft)
    context = {
        "framework": draft,
        "live": Framework.objects.filter(is_live=True).first(),
        # An incomplete draft cannot rate anything, so there is nothing to preview until it is complete.
        "preview": None if problems else publication_preview(draft=draft),
        "problems": problems,
    }
    return render(request, "reviews/frameworks/preview.html", context)


@require_POST
@framework_page
def publish(request: SignedInRequest, framework_id: int) -> HttpResponse:
    draft = _framework(framework_id)
    try:
        frameworks.framework_publish(framework=draft, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("convenor:framework-preview", framework_id=draft.pk)
    return redirect("convenor:framework-progress", framework_id=draft.pk)


@framework_page
def progress(request: HttpRequest, framework_id: int) -> HttpResponse:
    """The recompute after publication; reloads itself (a meta refresh, no script) until done."""
    version = _framework(framework_id)
    publication = get_object_or_404(FrameworkPublication, framework=version)
    context = {
        "framework": version,
        "publication": publication,
        "total_steps": len(RECOMPUTE_STEPS),
        "percent": round(100 * publication.steps_done / len(RECOMPUTE_STEPS)),
    }
    return render(request, "reviews/frameworks/progress.html", context)


@framework_page
def diff(request: HttpRequest) -> HttpResponse:
    form = DiffForm(request.GET or None)
    changes = None
    if form.is_valid():
        changes = framework_diff(before=form.cleaned_data["before"], after=form.cleaned_data["after"])
    return render(
        request,
        "reviews/frameworks/diff.html",
        {"form": form, "changes": changes},
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )
