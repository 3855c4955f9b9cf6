"""What the programme page and the API show of the accreditation cycle: the rating's validity,
whether it is under re-review, the crosswalk for a rated programme, and the upheld concerns."""

from __future__ import annotations

from dataclasses import dataclass

from programmes.lifecycle import open_rereview
from programmes.models import Programme
from ratings.models import RatingValidity
from reviews.concerns import upheld_concerns
from reviews.crosswalk import ProgrammeCrosswalk, programme_crosswalk
from reviews.models import Concern, ReReview


@dataclass(frozen=True)
class ProgrammeCycle:
    validity: RatingValidity | None
    crosswalk: ProgrammeCrosswalk | None
    upheld_concerns: list[Concern]
    # An open re-review: the rating shown stands until the new reviews are published.
    rereview: ReReview | None = None

    @property
    def is_expired(self) -> bool:
        return self.validity is not None and self.validity.is_expired


def programme_cycle(*, programme: Programme) -> ProgrammeCycle:
    rating = getattr(programme, "rating", None)
    rated = rating is not None and rating.band_rank is not None
    return ProgrammeCycle(
        validity=RatingValidity.objects.filter(programme=programme).first(),
        crosswalk=programme_crosswalk(programme_id=programme.id, framework=rating.framework)
        if rating is not None and rated
        else None,
        upheld_concerns=upheld_concerns(programme=programme),
        rereview=open_rereview(programme),
    )
