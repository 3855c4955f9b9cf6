from django.http import Http404

from programmes import selectors
from programmes.models import Programme
from qaportal.api.base import RegisterRetrieveView
from ratings.api.serializers import ProgrammeRatingSerializer
from ratings.models import ProgrammeRating


class ProgrammeRatingView(RegisterRetrieveView):
    """A published or withdrawn programme's current rating: band, shown and raw score, the number
    of published reviews, and each element's score. 404 until the programme has been rated."""

    serializer_class = ProgrammeRatingSerializer

    def get_object(self) -> ProgrammeRating:
        try:
            programme = selectors.programme_for_public(slug=self.kwargs["slug"])
            return ProgrammeRating.objects.select_related("framework").get(programme=programme)
        except (Programme.DoesNotExist, ProgrammeRating.DoesNotExist) as missing:
            raise Http404("No rating for this programme") from missing
