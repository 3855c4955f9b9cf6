from django.http import Http404

from programmes import selectors
from programmes.api.serializers import ProgrammeDetailSerializer, ProgrammeSerializer
from programmes.models import Programme
from qaportal.api.base import RegisterListView, RegisterRetrieveView


class ProgrammeListView(RegisterListView):
    """The directory: published programmes."""

    serializer_class = ProgrammeSerializer

    def get_queryset(self):
        return selectors.published_programmes().order_by("title", "id")


class ProgrammeDetailView(RegisterRetrieveView):
    """One programme: published, or withdrawn (a withdrawn programme keeps its page and says so)."""

    serializer_class = ProgrammeDetailSerializer

    def get_object(self) -> Programme:
        try:
            return selectors.programme_for_public(slug=self.kwargs["slug"])
        except Programme.DoesNotExist as missing:
            raise Http404("No such programme") from missing
