"""How a score is written for people: the one display rule.

Scores are compared with the band thresholds at full precision, and thresholds have two decimals.
A score is therefore written cut (not rounded) to two decimals: then a written score reaches a
threshold exactly when the score does, and the figure never contradicts the band (3.4996 is
written 3.49, in Secure, not 3.50).
"""

from decimal import ROUND_FLOOR, Decimal


def score_text(value: float | None, *, missing: str = "–") -> str:
    """``value`` to two decimals, cut toward zero; ``missing`` for no score."""
    if value is None:
        return missing
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_FLOOR))
