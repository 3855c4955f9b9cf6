from django import template

from ratings.display import score_text

register = template.Library()


@register.filter
def score(value: float | None, missing: str = "–") -> str:
    """A score as people read it (``ratings.display``): ``{{ rating.raw_mean|score }}``."""
    return score_text(value, missing=missing)
