"""What publishing a framework draft would do to the register, before anyone publishes it.

The register's current published scores are rated against the draft by the engine's own staging
statements (``ratings.engine.stage``), set-based, with the draft's weights, thresholds, floors and
settings and the prior those scores give under the draft, exactly as the whole-register recompute
after publishing computes it. Everything is staged in temporary tables inside a transaction that is
rolled back: nothing permanent is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from ratings import engine
from reviews.models import Framework

# Each staged programme against its stored rating (a programme never rated yet counts as not rated
# under the live version's label), grouped by the move from one band to another.
BAND_CHANGES_SQL = """
SELECT COALESCE(stored.band, %(not_rated_now)s) AS from_band, stored.band_rank AS from_rank,
       staged.band AS to_band, staged.band_rank AS to_rank, COUNT(*) AS programmes
FROM staged_rating staged
LEFT JOIN ratings_programmerating stored ON stored.programme_id = staged.programme_id
GROUP BY 1, 2, 3, 4
ORDER BY from_rank NULLS LAST, to_rank NULLS LAST, from_band, to_band
"""


@dataclass(frozen=True)
class BandChange:
    """``programmes`` published programmes would move from ``from_band`` to ``to_band``.

    Ranks are 1 for the best band and None for "not yet rated"."""

    from_band: str
    from_rank: int | None
    to_band: str
    to_rank: int | None
    programmes: int

    @property
    def changed(self) -> bool:
        return (self.from_band, self.from_rank) != (self.to_band, self.to_rank)


def framework_publication_preview(*, draft: Framework, progress: engine.Progress | None = None) -> list[BandChange]:
    """How many published programmes would change band if ``draft`` were published now, from what
    to what: one ``BandChange`` per (from, to) pair that differs, best bands first. Programmes that
    would keep their band are left out (``framework_publication_moves`` includes them).

    The draft may be any framework version (a draft is the usual case). Computed with the engine's
    statements against the draft on the current published scores, in temporary tables in a
    transaction that is rolled back. ``progress`` receives the engine's staging steps ("scores",
    "prior", "bands"). Takes about as long as the first steps of a whole-register recompute.
    """
    return [move for move in framework_publication_moves(draft=draft, progress=progress) if move.changed]


def framework_publication_moves(*, draft: Framework, progress: engine.Progress | None = None) -> list[BandChange]:
    """Every published programme's move under ``draft``, grouped by (from, to), unchanged ones too."""
    live = engine.live_framework()
    not_rated_now = live.not_rated_label if live else draft.not_rated_label
    with transaction.atomic(), connection.cursor() as cursor:
        savepoint = transaction.savepoint()
        try:
            engine.stage(cursor, draft, None, prior="staged", report=progress or (lambda step: None))
            cursor.execute(BAND_CHANGES_SQL, {"not_rated_now": not_rated_now})
            moves = [BandChange(*row) for row in cursor.fetchall()]
        finally:
            transaction.savepoint_rollback(savepoint)
    return moves
