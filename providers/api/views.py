from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from programmes.api.directory import FacetOptionSerializer
from programmes.api.serializers import ProgrammeSerializer
from programmes.api.views import DirectoryListView
from programmes.models import Programme
from providers import selectors
from providers.api.serializers import ProviderSerializer
from providers.filters import PROVIDER_SORTS, ProviderFilter
from providers.models import Provider
from qaportal.api.base import RegisterListView, RegisterRetrieveView
from qaportal.api.pagination import PageSerializer


class ProviderDirectoryPageSerializer(PageSerializer):
    sort = serializers.ChoiceField(choices=list(PROVIDER_SORTS), help_text="The order applied.")
    results = ProviderSerializer(many=True)
    facets = serializers.DictField(child=FacetOptionSerializer(many=True))


@extend_schema_view(get=extend_schema(responses=ProviderDirectoryPageSerializer, operation_id="providers_list"))
class ProviderListView(DirectoryListView):
    """Providers, filtered and sorted exactly as on the web provider directory (the same FilterSet
    and selector), with its facet counts; A to Z unless asked. An invalid filter value is a 400."""

    serializer_class = ProviderSerializer
    queryset = Provider.objects.none()
    schema_filterset = ProviderFilter
    directory_selector = staticmethod(selectors.provider_directory)


class ProviderDetailView(RegisterRetrieveView):
    serializer_class = ProviderSerializer

    def get_object(self) -> Provider:
        return selectors.provider_for_public(slug=self.kwargs["slug"])


class ProviderProgrammeListView(RegisterListView):
    """A provider's published and withdrawn programmes, as its page lists them: published first,
    best band first."""

    serializer_class = ProgrammeSerializer
    queryset = Programme.objects.none()  # Tells the schema the model; get_queryset gives the rows.

    def get_queryset(self):
        return selectors.provider_programmes(provider=selectors.provider_for_public(slug=self.kwargs["slug"]))
