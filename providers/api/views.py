from django.shortcuts import get_object_or_404

from programmes.api.serializers import ProgrammeSerializer
from programmes.models import Programme
from programmes.selectors import published_programmes
from providers import selectors
from providers.api.serializers import ProviderSerializer
from providers.models import Provider
from qaportal.api.base import RegisterListView, RegisterRetrieveView


class ProviderListView(RegisterListView):
    """Every provider on the register, by name, with its aggregate rating where it has one."""

    serializer_class = ProviderSerializer

    def get_queryset(self):
        return selectors.provider_list()


class ProviderDetailView(RegisterRetrieveView):
    serializer_class = ProviderSerializer

    def get_object(self) -> Provider:
        return get_object_or_404(selectors.provider_list(), slug=self.kwargs["slug"])


class ProviderProgrammeListView(RegisterListView):
    """A provider's published programmes."""

    serializer_class = ProgrammeSerializer
    queryset = Programme.objects.none()  # Tells the schema the model; get_queryset gives the rows.

    def get_queryset(self):
        provider = get_object_or_404(Provider, slug=self.kwargs["slug"])
        return published_programmes().filter(provider=provider).order_by("title", "id")
