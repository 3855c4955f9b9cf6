"""What publishing a draft would do to the register, as the framework editor shows it.

The figures come from the ratings engine (``ratings.preview.framework_publication_preview``),
computed set-based on the current scores without publishing anything; this module only adapts
its answer to the rows the preview page lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reviews.models import Framework


@dataclass(frozen=True)
class BandMove:
    from_band: str
    to_band: str
    count: int


@dataclass(frozen=True)
class PublicationPreview:
    moves: list[BandMove]  # only the programmes whose band would change

    @property
    def changed(self) -> int:
        return sum(move.count for move in self.moves)


def _value(row, *names):
    for name in names:
        if isinstance(row, dict) and name in row:
            return row[name]
        if hasattr(row, name):
            return getattr(row, name)
    raise KeyError(names)


def _moves(rows: Iterable) -> list[BandMove]:
    moves = [
        BandMove(
            str(_value(row, "from_band", "before", "from")),
            str(_value(row, "to_band", "after", "to")),
            int(_value(row, "count", "programmes")),
        )
        for row in rows
    ]
    return sorted((move for move in moves if move.from_band != move.to_band and move.count), key=lambda m: -m.count)


def publication_preview(*, draft: Framework) -> PublicationPreview | None:
    """The band changes publishing ``draft`` would make; None while the engine cannot preview."""
    try:
        from ratings.preview import framework_publication_preview
    except ImportError:
        return None
    result = framework_publication_preview(draft=draft)
    rows = _value(result, "changes", "moves") if not isinstance(result, list | tuple) else result
    return PublicationPreview(moves=_moves(rows))
