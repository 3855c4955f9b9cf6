"""A programme's public standing, worded once for its page, its badge and the API.

A withdrawn programme keeps its page so links to it still work, but its rating no longer applies:
everything public says "Withdrawn", shows no band, score or trend, and never the reason a
convenor or provider recorded for the register's own use.
"""

from __future__ import annotations

from dataclasses import dataclass

from programmes.models import Programme
from programmes.vocabulary import ProgrammeStatus
from ratings.models import band_name


@dataclass(frozen=True)
class Standing:
    status: str  # "rated", "not-rated" or "withdrawn"
    label: str  # the band's name, "Not yet rated" or "Withdrawn": what the badge says
    band_rank: int | None
    statement: str  # one sentence for the public
    shows_rating: bool


def programme_standing(programme: Programme, rating=None) -> Standing:
    if programme.status == ProgrammeStatus.WITHDRAWN:
        when = programme.updated_at
        on = f" on {when.day} {when:%B %Y}" if when else ""
        return Standing(
            status="withdrawn",
            label="Withdrawn",
            band_rank=None,
            statement=(
                f"This programme was withdrawn from the register{on}. It is no longer offered through the "
                "register, and its rating no longer applies, so none is shown."
            ),
            shows_rating=False,
        )
    if rating is not None and rating.band_rank:
        return Standing("rated", rating.band, rating.band_rank, f"Rated {rating.band}.", True)
    label = band_name(rating.band if rating else None)
    return Standing("not-rated", label, None, f"{label}: it does not yet have enough published reviews.", True)
