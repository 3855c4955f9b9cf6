from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema

from qaportal.api.base import RegisterRetrieveView
from reviews.api.serializers import FrameworkSerializer
from reviews.models import Criterion, Framework


class LiveFrameworkView(RegisterRetrieveView):
    """The live QA framework: what reviewers score against and what ratings are computed from —
    its elements and criteria with their weights, the rubric (a descriptor per level), the score
    levels, the bands with their thresholds, and the rating settings."""

    serializer_class = FrameworkSerializer

    def get_object(self) -> Framework:
        criteria = Criterion.objects.order_by("position").prefetch_related("descriptors")
        return (
            Framework.objects.filter(is_live=True)
            .prefetch_related("levels", "bands", Prefetch("elements__criteria", queryset=criteria))
            .get()
        )

    @extend_schema(operation_id="framework_live")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
