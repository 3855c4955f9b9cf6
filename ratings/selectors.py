"""Reads of ratings for pages and the API."""

from ratings.models import ProgrammeRating, RatingHistory, RatingValidity


def rating_history(*, programme_id: int) -> list[RatingHistory]:
    """Every rating the programme has had, oldest first (the last is the current one): the trend."""
    return list(RatingHistory.objects.filter(programme_id=programme_id).order_by("computed_at", "id"))


def programme_rating(*, programme_id: int) -> ProgrammeRating | None:
    return ProgrammeRating.objects.filter(programme_id=programme_id).select_related("framework").first()


def rating_has_expired(*, programme_id: int) -> bool:
    return RatingValidity.objects.filter(programme_id=programme_id, expired_at__isnull=False).exists()
