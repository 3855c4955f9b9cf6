"""What publishing a draft would do to the register, as the framework editor shows it.

The figures come from the ratings engine (``ratings.preview.framework_publication_preview``),
computed set-based on the current published scores without publishing anything; this module only
gathers its band changes into the totals the preview page shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from ratings.preview import BandChange, framework_publication_preview
from reviews.models import Framework


@dataclass(frozen=True)
class PublicationPreview:
    moves: list[BandChange]  # only the (from, to) pairs that differ, most programmes first

    @property
    def changed(self) -> int:
        """How many published programmes would change band."""
        return sum(move.programmes for move in self.moves)

    @property
    def up(self) -> int:
        return sum(move.programmes for move in self.moves if _rises(move))

    @property
    def down(self) -> int:
        return self.changed - self.up


def _rank(rank: int | None) -> float:
    # Rank 1 is the best band; not yet rated (None) is below every band.
    return float("inf") if rank is None else rank


def _rises(move: BandChange) -> bool:
    return _rank(move.to_rank) < _rank(move.from_rank)


def publication_preview(*, draft: Framework) -> PublicationPreview:
    """The band changes publishing ``draft`` now would make. Call only for a complete draft
    (``reviews.frameworks.incompleteness`` empty): an incomplete one cannot rate anything."""
    moves = framework_publication_preview(draft=draft)
    return PublicationPreview(moves=sorted(moves, key=lambda move: -move.programmes))
