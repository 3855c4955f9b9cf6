from django.core.cache import cache
from django.db.models import Count, Q

from programmes.models import Programme
from programmes.vocabulary import ProgrammeStatus
from providers.models import Provider
from reviews.models import Review, ReviewState


def register_counts() -> dict[str, int]:
    """Live headline counts for the home page, cached briefly: at national scale they are full scans."""
    counts: dict[str, int] | None = cache.get("register-counts")
    if counts is None:
        programme_counts = Programme.objects.aggregate(
            published=Count("id", filter=Q(status=ProgrammeStatus.PUBLISHED)),
            rated=Count("id", filter=Q(status=ProgrammeStatus.PUBLISHED, rating__band_rank__isnull=False)),
        )
        counts = {
            "providers": Provider.objects.count(),
            "programmes": programme_counts["published"],
            "rated_programmes": programme_counts["rated"],
            "published_reviews": Review.objects.filter(state=ReviewState.PUBLISHED).count(),
        }
        cache.set("register-counts", counts, 60)
    return counts
