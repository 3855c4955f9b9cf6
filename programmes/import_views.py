"""The bulk import pages under /imports/: upload, the dry run with every row's result, the import,
its progress (a page that refreshes itself, no JavaScript), and the template files."""

from __future__ import annotations

import contextlib

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from programmes import import_files, imports, policies
from programmes.import_forms import ImportUploadForm, ProviderChoiceForm
from programmes.models import ImportJob
from providers.models import Provider
from qaportal.errors import DomainError, apply_to_form
from qaportal.http import SignedInRequest
from qaportal.roles import page_for

RESULTS_PER_PAGE = 100
OUTCOME_LABELS = {"create": "New", "update": "Changed", "unchanged": "Unchanged", "error": "Error"}


def _upload(request: SignedInRequest, *, kind: str, provider: Provider | None, provider_form=None) -> HttpResponse:
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            job = imports.import_start(by=request.user, kind=kind, provider=provider, upload=form.cleaned_data["file"])
        except DomainError as error:
            apply_to_form(form, error)
        else:
            return redirect("imports:job", pk=job.pk)
    spec = imports.spec_of(kind)
    context = {
        "form": form,
        "provider": provider,
        "kind": kind,
        "columns": import_files.template_table(spec.form_class, spec.columns),
        "provider_form": provider_form,
    }
    failed = form.errors or (provider_form is not None and provider_form.errors)
    return render(request, "imports/upload.html", context, status=400 if failed else 200)


@login_required
def programmes_upload(request: SignedInRequest, provider_slug: str) -> HttpResponse:
    provider = get_object_or_404(Provider, slug=provider_slug)
    if not policies.may_import_programmes_for(request.user, provider):
        # Another provider's import page is "not found", as its programmes are.
        raise Http404("No such provider")
    return _upload(request, kind=ImportJob.Kind.PROGRAMMES, provider=provider)


@page_for(policies.may_import_providers, "Only convenors import providers.")
def providers_upload(request: SignedInRequest) -> HttpResponse:
    """Convenors: import providers, or go to one provider's programme import."""
    chosen = ProviderChoiceForm(request.GET if "provider" in request.GET else None)
    if chosen.is_bound and chosen.is_valid():
        return redirect("imports:programmes", provider_slug=chosen.cleaned_data["provider"].slug)
    return _upload(request, kind=ImportJob.Kind.PROVIDERS, provider=None, provider_form=chosen)


def _own_job(request: HttpRequest, pk) -> ImportJob:
    job = get_object_or_404(ImportJob.objects.select_related("provider").defer("rows", "upload"), pk=pk)
    if not policies.may_see_import(request.user, job):
        raise Http404("No such import")
    return job


@login_required
def job_detail(request: HttpRequest, pk) -> HttpResponse:
    job = _own_job(request, pk)
    results = job.results
    if request.GET.get("show") == "errors":
        results = [result for result in results if result["outcome"] == "error"]
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    showing_errors = request.GET.get("show") == "errors"
    context = {
        "job": job,
        "page": page,
        "rows": [{**result, "label": OUTCOME_LABELS[result["outcome"]]} for result in page],
        "showing_errors": showing_errors,
        "query_string": "show=errors" if showing_errors else "",
        "nothing_to_do": job.counts and not (job.counts.get("create") or job.counts.get("update")),
    }
    return render(request, "imports/job.html", context)


@require_POST
@login_required
def job_confirm(request: SignedInRequest, pk) -> HttpResponse:
    job = _own_job(request, pk)
    # A refusal (rows with errors, still checking) is what the job page already says.
    with contextlib.suppress(DomainError):
        imports.import_confirm(job=job, by=request.user)
    return redirect("imports:job", pk=job.pk)


@login_required
def template_file(request: HttpRequest, kind: str, extension: str) -> HttpResponse:
    spec = imports.spec_of(kind) if kind in ImportJob.Kind.values else None
    if spec is None or extension not in ("csv", "xlsx"):
        raise Http404("No such template")
    if extension == "csv":
        body, content_type = import_files.template_csv(spec.form_class, spec.columns), "text/csv; charset=utf-8"
    else:
        body = import_files.template_xlsx(spec.form_class, spec.columns, sheet_name=spec.kind.title())
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{extension}"'
    return response
