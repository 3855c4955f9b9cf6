"""How templates word a rating: ``{{ rating.band|band_name }}`` (see ratings.models.band_name)."""

from django import template

from ratings.models import band_name as _band_name

register = template.Library()


@register.filter
def band_name(band: str | None) -> str:
    return _band_name(band)
