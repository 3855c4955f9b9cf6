from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from programmes import selectors as programme_selectors
from programmes.standing import programme_standing
from qaportal.api.base import RegisterGenericView, RegisterListView, RegisterRetrieveView
from qaportal.api.permissions import IsConvenor
from ratings import selectors
from ratings.api.serializers import (
    AgreementPendingSerializer,
    AgreementReportSerializer,
    RatingExplanationSerializer,
    RatingHistorySerializer,
)
from ratings.explain import explain_programme_rating
from ratings.models import RatingHistory
from summaries.filters import summary_filterset
from summaries.services import agreement_report_or_pending


class ProgrammeRatingView(RegisterRetrieveView):
    """A published or withdrawn programme's rating with its explanation: the evidence behind it.
    A programme with too few published reviews says so ("Not yet rated") and why."""

    serializer_class = RatingExplanationSerializer

    def get_object(self):
        programme = programme_selectors.programme_for_public(slug=self.kwargs["slug"])
        return explain_programme_rating(programme_id=programme.pk)


class RatingHistoryView(RegisterListView):
    """Every rating the programme has had, oldest first; the last is the current one."""

    serializer_class = RatingHistorySerializer
    queryset = RatingHistory.objects.none()  # Tells the schema the model; get_queryset gives the rows.
    pagination_class = None  # A programme's ratings change a few times a year: one list.

    def get_queryset(self):
        programme = programme_selectors.programme_for_public(slug=self.kwargs["slug"])
        history = selectors.rating_history(programme_id=programme.pk)
        standing = programme_standing(programme)
        if standing.status == "withdrawn":
            # The last entry is the current one, and a withdrawn programme's rating no longer applies.
            history.append(RatingHistory(band=standing.label, shown_score=None, review_count=0,
                                         computed_at=programme.updated_at))  # fmt: skip
        return history


class AgreementView(RegisterGenericView):
    """Reviewer agreement (Krippendorff's alpha, ordinal) per criterion and per element, over the
    register's programmes with two or more published reviews: the same cached figures as the
    convenors' summaries page. Not yet worked out, it is 202 (pending) while a worker computes it.
    Convenors only."""

    permission_classes = [IsConvenor]
    serializer_class = AgreementReportSerializer

    @extend_schema(
        operation_id="agreement_retrieve",
        responses={
            200: AgreementReportSerializer,
            202: OpenApiResponse(
                AgreementPendingSerializer, description="Being computed by a worker: ask again in a minute."
            ),
        },
    )
    def get(self, request):
        report = agreement_report_or_pending(filterset=summary_filterset({}))
        if report is None:
            pending = {"pending": True, "detail": "Reviewer agreement is being worked out; ask again in a minute."}
            return Response(AgreementPendingSerializer(pending).data, status=status.HTTP_202_ACCEPTED)
        return Response(AgreementReportSerializer(report).data)
