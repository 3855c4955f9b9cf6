"""The convenors' summaries and export jobs over the API: the summaries app's FilterSet,
selectors, services and policies, nothing re-decided here."""

import re

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from programmes.api.directory import DirectorySchema
from qaportal.api.base import RegisterGenericView, RegisterListView, idempotency_key
from qaportal.api.schema import IDEMPOTENCY_KEY, error_response
from qaportal.errors import NotPermitted
from qaportal.submissions import create_once
from summaries import policies, services
from summaries.api.serializers import ExportJobSerializer, ExportStartSerializer, SummarySerializer
from summaries.filters import SummaryFilterSet, summary_filterset
from summaries.models import ExportJob

FILE_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class MayViewSummaries(BasePermission):
    message = "The summaries are for convenors."

    def has_permission(self, request, view) -> bool:
        return policies.may_view_summaries(request.user)


class SummaryView(RegisterGenericView):
    """Summary tables for the whole register or a filtered part of it: programmes by band, element
    and criterion means and spread by provider type, region and focus level, reviewer agreement,
    reviews published by month, the weakest and strongest criteria. Convenors (and staff) only."""

    permission_classes = [MayViewSummaries]
    serializer_class = SummarySerializer
    schema_filterset = SummaryFilterSet
    schema = DirectorySchema()
    # One set of tables, not a list: no page parameters.
    pagination_class = None

    @extend_schema(
        operation_id="summaries_retrieve",
        responses={
            200: SummarySerializer,
            400: error_response(
                "400", also="Also when `reviewed_to` is before `reviewed_from` (the error is on `reviewed_to`)."
            ),
            404: error_response("404", also="Also when `framework` names no published framework version."),
        },
    )
    def get(self, request):
        filterset = summary_filterset(request.query_params)
        if not filterset.is_valid():
            refuse_unknown_framework(filterset)
            raise exceptions.ValidationError({name: list(messages) for name, messages in filterset.errors.items()})
        return Response(SummarySerializer(services.summary_tables_or_pending(filterset=filterset)).data)


def refuse_unknown_framework(filterset: SummaryFilterSet) -> None:
    """A framework id in the documented form that names no published version: the summaries asked
    for do not exist (404), as a path naming nothing would be; any other bad value is a 400."""
    errors = filterset.form.errors.as_data().get("framework", [])
    sent = (filterset.data or {}).get("framework") or ""
    if any(error.code == "invalid_choice" for error in errors) and re.fullmatch(r"[0-9]+", sent):
        raise exceptions.NotFound("There is no published framework version with this id.")


def download_url_for(request):
    def download_url(job: ExportJob) -> str | None:
        if not policies.export_is_downloadable(job):
            return None
        return request.build_absolute_uri(reverse("api:export-file", kwargs={"export_id": job.pk}))

    return download_url


class ExportListView(RegisterListView):
    """GET: your export jobs, newest first. POST: start an export (CSV, XLSX or PDF) of the
    filtered summaries; it is built by a worker — poll the job for its progress, then fetch the
    file. Convenors (and staff) only; a job is visible only to the convenor who asked, and staff."""

    permission_classes = [MayViewSummaries]
    serializer_class = ExportJobSerializer
    queryset = ExportJob.objects.none()

    def get_queryset(self):
        return ExportJob.objects.filter(requested_by=self.request.user).order_by("-created_at", "pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "download_url": download_url_for(self.request)}

    @extend_schema(
        request=ExportStartSerializer,
        responses={
            202: ExportJobSerializer,
            400: error_response(
                "400",
                also="Also when a filter names no published framework version (the error is on `framework`) "
                "and when `reviewed_to` is before `reviewed_from` (on `reviewed_to`).",
            ),
        },
        operation_id="exports_create",
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request):
        if not policies.may_start_export(request.user):
            raise NotPermitted(MayViewSummaries.message)
        typed = ExportStartSerializer(data=request.data)
        typed.is_valid(raise_exception=True)
        # Checked before the idempotency key is looked up: a repeat with bad filters is refused, not
        # answered with the job the key first made.
        services.valid_export_filters(typed.validated_data["filters"])
        job = create_once(
            token=idempotency_key(request),
            by=request.user,
            create=lambda: services.export_start(
                requested_by=request.user,
                export_format=typed.validated_data["format"],
                filters=typed.validated_data["filters"],
            ),
        )
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)


class ExportDetailView(RegisterGenericView):
    """An export job: its status and progress (per cent), and where to fetch the file when ready."""

    permission_classes = [MayViewSummaries]
    serializer_class = ExportJobSerializer

    @extend_schema(responses=ExportJobSerializer, operation_id="exports_retrieve")
    def get(self, request, export_id):
        job = policies.visible_export(request.user, export_id)
        return Response(ExportJobSerializer(job, context={"download_url": download_url_for(request)}).data)


class ExportFileView(RegisterGenericView):
    """The finished file. 409 while the export is still being built (or if it failed); 410 once
    it has expired."""

    permission_classes = [MayViewSummaries]

    def perform_content_negotiation(self, request, force=False):
        # The file goes out as itself, whatever the client accepts; an error goes out as JSON.
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        responses={
            **{(200, media_type): OpenApiResponse(OpenApiTypes.BINARY) for media_type in FILE_TYPES.values()},
            409: error_response("409"),
            410: error_response("410"),
        },
        operation_id="exports_file",
    )
    def get(self, request, export_id):
        job = policies.visible_export(request.user, export_id)
        handle = services.export_file(job)
        return FileResponse(handle, as_attachment=True, filename=job.download_name, content_type=FILE_TYPES[job.format])
