from collections.abc import Callable
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from programmes import lifecycle, policies, selectors
from programmes.api.directory import (
    DirectorySchema,
    FacetOptionSerializer,
    directory_response,
    requested_page,
)
from programmes.api.serializers import ProgrammeDetailSerializer, ProgrammeSerializer
from programmes.filters import SORTS, DirectoryFilterForm, ProgrammeFilter
from programmes.models import Programme
from qaportal.api.base import RegisterGenericView, RegisterRetrieveView
from qaportal.api.fields import PlainCharField
from qaportal.api.pagination import PageSerializer
from qaportal.api.schema import error_response


class DirectoryPageSerializer(PageSerializer):
    sort = serializers.ChoiceField(choices=list(SORTS), help_text="The order applied.")
    results = ProgrammeSerializer(many=True)
    facets = serializers.DictField(
        child=FacetOptionSerializer(many=True),
        help_text="Each filter's options with how many programmes each would give (as on the web directory).",
    )


DIRECTORY_RULES_BEYOND_ONE_PARAMETER = (
    "Also when "
    + ", and when ".join(
        f"{rule} (the error is on `{parameter}`)"
        for parameter, rule in DirectoryFilterForm.rules_beyond_one_parameter().items()
    )
    + "."
)


class DirectoryListView(RegisterGenericView):
    """A web directory's page through the API: the request's filters and page given to the web
    page's own selector, answered with the rows, the order its FilterSet applied and the facets."""

    schema = DirectorySchema()
    # Called with params, page_number and per_page, as the web page calls it.
    directory_selector: Callable[..., Any]

    def get(self, request):
        page_number, page_size = requested_page(request)
        directory = self.directory_selector(params=request.query_params, page_number=page_number, per_page=page_size)
        return directory_response(
            request,
            directory,
            page_number=page_number,
            sort=directory.filterset.sort_name(),
            serializer_class=self.serializer_class,
        )


@extend_schema_view(
    get=extend_schema(
        responses={
            200: DirectoryPageSerializer,
            400: error_response("400", also=DIRECTORY_RULES_BEYOND_ONE_PARAMETER),
        },
        operation_id="programmes_list",
    )
)
class ProgrammeListView(DirectoryListView):
    """The directory: published programmes, filtered, searched and sorted exactly as on the web
    directory (the same FilterSet and selector), with its facet counts. A filter value that is
    not valid is a 400 naming the parameter. Without a search the default order is best rated."""

    serializer_class = ProgrammeSerializer
    queryset = Programme.objects.none()
    schema_filterset = ProgrammeFilter
    directory_selector = staticmethod(selectors.programme_directory)


class ProgrammeDetailView(RegisterRetrieveView):
    """One programme: published, or withdrawn (a withdrawn programme keeps its page and says so)."""

    serializer_class = ProgrammeDetailSerializer

    def get_object(self) -> Programme:
        return selectors.programme_for_public(slug=self.kwargs["slug"])


class WithdrawInputSerializer(serializers.Serializer):
    reason = PlainCharField(multiline=True, max_length=10000, help_text="Why; shown on the programme's page.")


class ProgrammeWithdrawView(RegisterGenericView):
    """Withdraw a programme from the register (or from review), with its reviews and rating.
    Convenors withdraw published programmes; provider editors their own programmes."""

    serializer_class = WithdrawInputSerializer
    permission_classes = [IsAuthenticated]
    queryset = Programme.objects.none()

    @extend_schema(
        request=WithdrawInputSerializer, responses=ProgrammeDetailSerializer, operation_id="programme_withdraw"
    )
    def post(self, request, slug: str):
        programme = get_object_or_404(policies.programmes_for_withdrawal(request.user), slug=slug)
        typed = WithdrawInputSerializer(data=request.data)
        typed.is_valid(raise_exception=True)
        lifecycle.programme_withdraw(programme=programme, by=request.user, reason=typed.validated_data["reason"])
        fresh = Programme.objects.select_related("provider", "rating", "provider_response").get(pk=programme.pk)
        return Response(ProgrammeDetailSerializer(fresh).data)
