"""How figures are written for people: money and scores, one rule each for every page, export and chart."""

from __future__ import annotations

import math
from decimal import ROUND_FLOOR, Decimal


def money(value) -> str:
    """£2,980 for whole pounds, £2,980.50 otherwise, "Free" for nothing; empty for no value."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    if amount == 0:
        return "Free"
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"


def score_figure(value, places: int = 2) -> str:
    """A score out of 4 to ``places`` decimals, rounded down.

    Rounded down, never to the nearest: a band starts at a threshold, so 2.7483 (below Secure's
    2.75) shows as 2.74, and no shown figure ever reaches a band the score did not.
    """
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return ""
    exponent = Decimal(1).scaleb(-places)
    return str(Decimal(repr(float(value))).quantize(exponent, rounding=ROUND_FLOOR))
