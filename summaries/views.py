"""Thin views over the summaries' selectors and services; every permission answer is in policies."""

import logging

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from qaportal.errors import DomainError, apply_to_form
from qaportal.http import SignedInRequest
from qaportal.middleware import page_status
from qaportal.roles import page_for
from qaportal.submissions import create_once
from summaries import charts, policies, services
from summaries.exports.csv import programme_csv_chunks, table_csv_chunks
from summaries.exports.tables import PROGRAMME_COLUMNS, TABLE_KEYS, summary_table_list
from summaries.filters import summary_filterset
from summaries.forms import ExportForm
from summaries.models import ExportJob
from summaries.presentation import statistic_matrices

logger = logging.getLogger(__name__)


convenor_required = page_for(policies.may_view_summaries, "Only convenors may see the summaries.")


def _page(request: SignedInRequest, filterset, export_form: ExportForm, status: int = 200) -> HttpResponse:
    context = {"filterset": filterset, "form": filterset.form, "export_form": export_form}
    if filterset.is_valid():
        tables = services.summary_tables_or_pending(filterset=filterset)
        context.update(
            tables=tables,
            table_list={table.key: table for table in summary_table_list(tables)},
            matrices=statistic_matrices(tables),
            query_string=request.GET.urlencode(),
            charts=charts.summary_charts(tables),
            filters_json=filterset.normalised(),
        )
    context["recent_exports"] = ExportJob.objects.filter(requested_by=request.user)[:5]
    return render(request, "summaries/index.html", context, status=status)


@convenor_required
def index(request: SignedInRequest) -> HttpResponse:
    filterset = summary_filterset(request.GET)
    return _page(request, filterset, ExportForm(), status=200 if filterset.is_valid() else 400)


@convenor_required
def download_csv(request: HttpRequest) -> HttpResponseBase:
    """Streamed CSV: the programmes (default) or one summary table, for the filters in the query string."""
    filterset = summary_filterset(request.GET)
    table_key = request.GET.get("table", "programmes")
    if table_key not in TABLE_KEYS or not filterset.is_valid():
        messages.error(request, "The download could not be made: check the filters and try again.")
        return redirect(f"{reverse('summaries:index')}?{request.GET.urlencode()}")
    scope = filterset.scope()
    if table_key == "programmes":
        chunks = programme_csv_chunks(scope=scope)
    else:
        # Never waits for reviewer agreement: a file of it is offered once the page shows it.
        summary = services.summary_tables_or_pending(filterset=filterset)
        if table_key == "reviewer_agreement" and summary.agreement.pending:
            messages.info(request, "Reviewer agreement is still being calculated: download it once it is shown.")
            return redirect(f"{reverse('summaries:index')}?{request.GET.urlencode()}")
        tables = {table.key: table for table in summary_table_list(summary)}
        chunks = table_csv_chunks(tables[table_key])
    response = StreamingHttpResponse((chunk.encode("utf-8") for chunk in chunks), content_type="text/csv")
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="register-{table_key.replace("_", "-")}-{stamp}.csv"'
    return response


@require_POST
@convenor_required
def export_create(request: SignedInRequest) -> HttpResponse:
    export_form = ExportForm(request.POST)
    filterset = summary_filterset(request.GET)
    if not export_form.is_valid() or not filterset.is_valid():
        return _page(request, filterset, export_form, status=400)
    try:
        job = create_once(
            token=export_form.submission_token,
            by=request.user,
            create=lambda: services.export_start(
                requested_by=request.user,
                export_format=export_form.cleaned_data["format"],
                filters=filterset.normalised(),
            ),
        )
    except DomainError as refused:
        apply_to_form(export_form, refused)
        return _page(request, filterset, export_form, status=400)
    return redirect("summaries:export_detail", pk=job.pk)


@convenor_required
def export_list(request: SignedInRequest) -> HttpResponse:
    jobs = ExportJob.objects.filter(requested_by=request.user).select_related("requested_by")[:50]
    return render(request, "summaries/export_list.html", {"jobs": jobs})


@never_cache
@convenor_required
def export_detail(request: HttpRequest, pk) -> HttpResponse:
    job = policies.visible_export(request.user, pk)
    return render(
        request,
        "summaries/export_detail.html",
        {"job": job, "downloadable": policies.export_is_downloadable(job), "filters": _described(job)},
    )


def _described(job: ExportJob) -> list[tuple[str, str]]:
    filterset = summary_filterset(job.filters)
    return filterset.description() if filterset.is_valid() else []


@never_cache
@convenor_required
def export_status(request: HttpRequest, pk) -> JsonResponse:
    job = policies.visible_export(request.user, pk)
    downloadable = policies.export_is_downloadable(job)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress,
            "note": job.progress_note,
            "finished": job.is_finished,
            "download_url": reverse("summaries:export_download", args=[job.pk]) if downloadable else None,
        }
    )


@never_cache
@convenor_required
def export_download(request: HttpRequest, pk) -> HttpResponseBase:
    job = policies.visible_export(request.user, pk)
    try:
        handle = services.export_file(job)
    except DomainError as unavailable:
        context = {"job": job}
        return render(request, "summaries/export_unavailable.html", context, status=page_status(unavailable))
    return FileResponse(handle, as_attachment=True, filename=job.download_name)


@convenor_required
def columns(request: HttpRequest) -> HttpResponse:
    from summaries.exports import tables as table_definitions

    documented = [
        ("programmes", "Programmes", "One row per programme in the selection.", PROGRAMME_COLUMNS),
        ("filters", "Filters used", "", table_definitions.FILTER_COLUMNS),
        ("bands", "Programmes by band", "", table_definitions.BAND_COLUMNS),
        (
            "element_statistics",
            "Element scores by group",
            table_definitions.STATISTIC_NOTE["element"],
            table_definitions.statistic_columns("element", "programmes"),
        ),
        (
            "criterion_statistics",
            "Criterion scores by group",
            table_definitions.STATISTIC_NOTE["criterion"],
            table_definitions.statistic_columns("criterion", "scores"),
        ),
        ("reviews_by_month", "Reviews published by month", "", table_definitions.MONTH_COLUMNS),
        ("weakest_criteria", "Weakest criteria", "", table_definitions.RANKED_COLUMNS),
        ("strongest_criteria", "Strongest criteria", "", table_definitions.RANKED_COLUMNS),
        ("reviewer_agreement", "Reviewer agreement", "", table_definitions.AGREEMENT_COLUMNS),
    ]
    return render(request, "summaries/columns.html", {"documented": documented})
