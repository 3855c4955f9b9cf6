from django.db.models import QuerySet

from programmes.models import Programme
from programmes.vocabulary import ProgrammeStatus


def published_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(status=ProgrammeStatus.PUBLISHED).select_related("provider", "rating")


def programme_for_public(*, slug: str) -> Programme:
    """A published or withdrawn programme (withdrawn ones keep their page and say so)."""
    return (
        Programme.objects.filter(status__in=[ProgrammeStatus.PUBLISHED, ProgrammeStatus.WITHDRAWN])
        .select_related("provider", "rating", "provider_response")
        .get(slug=slug)
    )
