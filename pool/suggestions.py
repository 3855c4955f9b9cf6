"""Suggested assignments: which reviewers to put on a programme, or on the whole queue at once.

The method is **greedy**, not min-cost flow, because each choice must be explainable in a sentence
and the convenor accepts, swaps or overrides it anyway. Programmes are taken most constrained
first (fewest assignable reviewers with matching expertise), then oldest submission first. Each
open slot on a programme goes to the assignable reviewer (``pool.eligibility``) that comes first
in this order:

1. knows the programme's focus level and one of its phases (others only if nobody who does is free);
2. the fewest open reviews, counting those suggested earlier in the same run — this is what
   spreads the work: with equal expertise, nobody gets a second review before everyone has a first;
3. not a pair who keep reviewing together: fewer than ``PAIR_LIMIT`` programmes already shared
   with the reviewers on this programme, then the fewest shared;
4. the most capacity left, then username (so the same data gives the same suggestions).

Rules 3 and 4 only break ties in rule 2, so the spread of workload is never traded for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from pool.eligibility import (
    Candidate,
    PoolArrays,
    ProgrammeFacts,
    awaiting_reviewers,
    candidates,
    conflicts,
    programme_facts,
    refusals,
)
from reviews.models import ReviewState
from reviews.services import live_framework

PAIR_LIMIT = 3
_NOT_CHOSEN = np.inf


@dataclass
class Pick:
    candidate: Candidate
    load_before: int
    reasons: list[str]


@dataclass
class Suggestion:
    programme: ProgrammeFacts
    needed: int
    picks: list[Pick] = field(default_factory=list)
    assignable: int = 0  # reviewers the rule allows, before this programme's picks
    note: str = ""


PAIRS_SQL = """
SELECT mine.reviewer_id, theirs.reviewer_id, COUNT(*)
FROM reviews_review mine
JOIN reviews_review theirs ON theirs.programme_id = mine.programme_id AND {pairing}
WHERE mine.state <> %(released)s AND theirs.state <> %(released)s {filter}
GROUP BY mine.reviewer_id, theirs.reviewer_id
"""


class PairHistory:
    """How many programmes two reviewers have reviewed together, read once per reviewer asked
    about (one programme) or for everyone at once (the whole queue). Both read the partial
    unique index on (programme, reviewer) of reviews not released, without touching the table."""

    def __init__(self, arrays: PoolArrays, *, everyone: bool):
        self.arrays = arrays
        self.rows: dict[int, np.ndarray] = {}
        self.everyone_loaded = everyone
        if everyone:
            self._load_everyone()

    def _row(self, reviewer_id: int) -> np.ndarray:
        if reviewer_id not in self.rows:
            self.rows[reviewer_id] = np.zeros(len(self.arrays.pool), dtype=np.int32)
        return self.rows[reviewer_id]

    def _load_everyone(self) -> None:
        # Each pair once (the smaller id first), entered both ways: half the groups to count.
        sql = PAIRS_SQL.format(pairing="theirs.reviewer_id > mine.reviewer_id", filter="")
        index = self.arrays.index
        with connection.cursor() as cursor:
            cursor.execute(sql, {"released": ReviewState.RELEASED})
            for mine, theirs, shared in cursor.fetchall():
                if theirs in index:
                    self._row(mine)[index[theirs]] = shared
                if mine in index:
                    self._row(theirs)[index[mine]] = shared

    def _load(self, reviewer_id: int) -> None:
        row = self._row(reviewer_id)
        sql = PAIRS_SQL.format(pairing="theirs.reviewer_id <> mine.reviewer_id", filter="AND mine.reviewer_id = %(id)s")
        with connection.cursor() as cursor:
            cursor.execute(sql, {"released": ReviewState.RELEASED, "id": reviewer_id})
            for _, theirs, shared in cursor.fetchall():
                position = self.arrays.index.get(theirs)
                if position is not None:
                    row[position] = shared

    def with_reviewer(self, reviewer_id: int) -> np.ndarray:
        if reviewer_id not in self.rows:
            if self.everyone_loaded:
                return self._row(reviewer_id)  # no shared programmes with anyone
            self._load(reviewer_id)
        return self.rows[reviewer_id]


class Suggester:
    def __init__(self, pool: list[Candidate], programmes: list[ProgrammeFacts], *, min_reviews: int, everyone: bool):
        self.arrays = PoolArrays(pool)
        self.programmes = programmes
        self.min_reviews = min_reviews
        self.conflicts = conflicts(programme_ids=[programme.id for programme in programmes])
        self.pairs = PairHistory(self.arrays, everyone=everyone)
        self.extra_load = np.zeros(len(pool), dtype=np.int64)

    def run(self) -> list[Suggestion]:
        # Stable: among equally constrained programmes, the queue's order (oldest submission first).
        constrained = sorted(self.programmes, key=self._matching_assignable)
        by_id = {}
        for programme in constrained:
            by_id[programme.id] = self.suggest(programme)
        return [by_id[programme.id] for programme in self.programmes]

    def _matching_assignable(self, programme: ProgrammeFacts) -> int:
        mask = self.arrays.assignable(programme, self.conflicts.get(programme.id, {}), self.extra_load)
        return int((mask & self.arrays.knows(programme)).sum())

    def suggest(self, programme: ProgrammeFacts) -> Suggestion:
        needed = max(0, self.min_reviews - programme.active_reviews)
        suggestion = Suggestion(programme=programme, needed=needed)
        conflicted = self.conflicts.get(programme.id, {})
        assignable = self.arrays.assignable(programme, conflicted, self.extra_load)
        suggestion.assignable = int(assignable.sum())
        knows = self.arrays.knows(programme)
        chosen = [reviewer_id for reviewer_id in programme.reviewer_ids if reviewer_id in self.arrays.index]
        for _ in range(needed):
            position = self._best(assignable, knows, chosen)
            if position is None:
                break
            suggestion.picks.append(self._pick(position, programme, assignable, knows, chosen))
            assignable[position] = False
            chosen.append(self.arrays.pool[position].reviewer_id)
            self.extra_load[position] += 1
        if len(suggestion.picks) < needed:
            suggestion.note = (
                f"Only {len(suggestion.picks)} of the {needed} reviewers needed can be assigned: "
                "everyone else is conflicted, not active or at capacity."
            )
        return suggestion

    def _shared(self, chosen: list[int]) -> tuple[np.ndarray, np.ndarray]:
        size = len(self.arrays.pool)
        total, most = np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64)
        for reviewer_id in chosen:
            row = self.pairs.with_reviewer(reviewer_id)
            total += row
            most = np.maximum(most, row)
        return total, most

    def _best(self, assignable: np.ndarray, knows: np.ndarray, chosen: list[int]) -> int | None:
        if not assignable.any():
            return None
        load = self.arrays.open_reviews + self.extra_load
        total, most = self._shared(chosen)
        # One number per reviewer whose order is the docstring's order: each term is smaller
        # than the smallest step of the term before it.
        order = (
            (~knows) * 1e9
            + load * 1e6
            + (most >= PAIR_LIMIT) * 1e5
            + np.minimum(total, 9_999) * 10
            + load / self.arrays.capacity
        )
        return int(np.argmin(np.where(assignable, order, _NOT_CHOSEN)))

    def _pick(self, position: int, programme, assignable, knows, chosen) -> Pick:
        candidate = self.arrays.pool[position]
        load = int(self.arrays.open_reviews[position] + self.extra_load[position])
        reasons = []
        if knows[position]:
            reasons.append(f"Knows {_focus_label(programme)} and {_phases_label(candidate, programme)}.")
        else:
            reasons.append("Nobody free knows this focus level and phase; the lightest-loaded assignable reviewer.")
        lightest = int((self.arrays.open_reviews + self.extra_load)[assignable & (knows == knows[position])].min())
        lightest_note = " — the lightest load among those who could take it" if load == lightest else ""
        reasons.append(f"{load} of {candidate.capacity} reviews at once before this{lightest_note}.")
        for reviewer_id in chosen:
            shared = int(self.pairs.with_reviewer(reviewer_id)[position])
            other = self.arrays.pool[self.arrays.index[reviewer_id]].username
            together = "has not reviewed with" if shared == 0 else f"has reviewed {shared} programme(s) with"
            reasons.append(f"{candidate.username} {together} {other}.")
        reasons.append(f"No conflict of interest with {programme.provider_name}.")
        return Pick(candidate=candidate, load_before=load, reasons=reasons)


def _focus_label(programme: ProgrammeFacts) -> str:
    from programmes.vocabulary import FocusLevel

    return FocusLevel(programme.focus_level).label.lower()


def _phases_label(candidate: Candidate, programme: ProgrammeFacts) -> str:
    from providers.vocabulary import Phase

    shared = [
        member.label.lower()
        for position, member in enumerate(Phase)
        if candidate.phases & programme.phases & (1 << position)
    ]
    if len(shared) == 1:
        return f"the {shared[0]} phase"
    return f"the {', '.join(shared[:-1])} and {shared[-1]} phases"


def suggest_for_queue(*, limit: int | None = None) -> list[Suggestion]:
    """Suggestions for every programme awaiting reviewers, made together so the work is spread."""
    min_reviews = live_framework().min_reviews
    queue = awaiting_reviewers(min_reviews=min_reviews, limit=limit)
    if not queue:
        return []
    return Suggester(candidates(), queue, min_reviews=min_reviews, everyone=True).run()


def suggest_for_programme(*, programme_id: int) -> Suggestion:
    min_reviews = live_framework().min_reviews
    programme = programme_facts(programme_ids=[programme_id])[0]
    return Suggester(candidates(), [programme], min_reviews=min_reviews, everyone=False).run()[0]


@dataclass
class Choice:
    """One pool member on a programme's "choose reviewers" list."""

    candidate: Candidate
    refusals: list[str]
    knows: bool
    suggested: Pick | None = None


def choices_for_programme(*, programme_id: int) -> tuple[Suggestion, list[Choice]]:
    """The suggestion for one programme and every pool member with the rule's answer: the
    suggested first, then the assignable (matching expertise, lightest load first), then the refused."""
    min_reviews = live_framework().min_reviews
    pool = candidates()
    programme = programme_facts(programme_ids=[programme_id])[0]
    suggester = Suggester(pool, [programme], min_reviews=min_reviews, everyone=False)
    conflicted = suggester.conflicts.get(programme.id, {})
    suggestion = suggester.run()[0]
    picks = {pick.candidate.reviewer_id: pick for pick in suggestion.picks}
    choices = [
        Choice(
            candidate=candidate,
            refusals=refusals(candidate, programme, conflicted.get(candidate.reviewer_id)),
            knows=candidate.knows(programme),
            suggested=picks.get(candidate.reviewer_id),
        )
        for candidate in pool
    ]
    choices.sort(
        key=lambda choice: (
            choice.suggested is None,
            bool(choice.refusals),
            not choice.knows,
            choice.candidate.open_reviews,
            choice.candidate.username,
        )
    )
    return suggestion, choices
