"""Who may be assigned to review which programme: the one rule, used by the assignment service,
the suggestions, the convenors' pages and the API.

A reviewer is assignable to a programme when all of these hold:

- they can sign in as a reviewer and are *active* in the pool (not in training, paused or retired);
- if the live framework version requires recalibration, they have passed its calibration exercise;
- their open assignments (assigned, in progress, returned) are fewer than their capacity;
- they have no conflict of interest with it: no affiliation with its provider (by the provider
  itself or by the organisation's name) that is current or ended within ``CONFLICT_YEARS``, and
  no conflict declared on it (a released assignment);
- they are not already on it.

An affiliation is never erased, only ended; an ended one keeps counting for ``CONFLICT_YEARS``
after its end date, so a reviewer cannot make themselves assignable to a provider they worked for.

The data behind the rule is read set-based, in a few queries however many reviewers and
programmes are asked about. ``refusals`` says in words why one reviewer may not take one
programme; ``assignable`` answers the same question for the whole pool at once, as a numpy mask,
from the same terms.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
from django.db import connection

from pool.models import ReviewerStatus
from programmes.models import Programme
from programmes.vocabulary import FocusLevel, ProgrammeStatus
from qaportal.roles import Role
from reviews.models import ReviewState
from reviews.state_machine import REVIEW_ACTIVE, REVIEW_EDITABLE

CONFLICT_YEARS = 3
OPEN_STATES = sorted(REVIEW_EDITABLE)


FOCUS_ORDER = [member.value for member in FocusLevel]


def _focus_bit(focus_level: str) -> int:
    # The same bit as the focus level has in a reviewer's ``focus_levels`` set.
    return 1 << FOCUS_ORDER.index(focus_level)


@dataclass
class Candidate:
    """A pool member as the rule sees them."""

    reviewer_id: int
    username: str
    name: str
    status: str
    capacity: int
    open_reviews: int
    phases: int
    focus_levels: int
    tags: list[str]
    needs_recalibration: bool
    signs_in_as_reviewer: bool
    last_active: datetime | None

    @property
    def may_take_work(self) -> bool:
        return self.signs_in_as_reviewer and self.status == ReviewerStatus.ACTIVE and not self.needs_recalibration

    @property
    def status_label(self) -> str:
        return ReviewerStatus(self.status).label

    def knows(self, programme: ProgrammeFacts) -> bool:
        """Matching expertise: the programme's focus level and at least one of its phases."""
        return bool(self.focus_levels & programme.focus_bit) and bool(self.phases & programme.phases)


@dataclass(frozen=True)
class ProgrammeFacts:
    id: int
    slug: str
    title: str
    provider_name: str
    focus_level: str
    phases: int
    status: str
    submitted_at: datetime | None
    # Reviewers already on it (any review not released, superseded or withdrawn), and how many of those still count.
    reviewer_ids: frozenset = field(default_factory=frozenset)
    active_reviews: int = 0

    @property
    def focus_bit(self) -> int:
        return _focus_bit(self.focus_level)


CANDIDATES_SQL = """
SELECT u.id, u.username, TRIM(u.first_name || ' ' || u.last_name), p.status, p.capacity,
       COALESCE(workload.open_reviews, 0), p.phases, p.focus_levels, p.expertise_tags,
       COALESCE(live.requires_recalibration, FALSE) AND p.calibrated_for_id IS DISTINCT FROM live.id,
       u.is_active AND EXISTS (
           SELECT 1 FROM auth_user_groups membership JOIN auth_group g ON g.id = membership.group_id
           WHERE membership.user_id = u.id AND g.name = %(reviewer_role)s
       ),
       u.last_login
FROM pool_reviewerprofile p
JOIN auth_user u ON u.id = p.reviewer_id
LEFT JOIN reviews_framework live ON live.is_live
LEFT JOIN (
    SELECT reviewer_id, COUNT(*) AS open_reviews FROM reviews_review
    WHERE state IN ('assigned', 'in-progress', 'returned') {workload_filter}
    GROUP BY reviewer_id
) workload ON workload.reviewer_id = p.reviewer_id
{where}
ORDER BY u.username
"""


def candidates(*, reviewer_ids: list[int] | None = None) -> list[Candidate]:
    """Every pool member (or those named), in username order: one query."""
    params = {"reviewer_role": Role.REVIEWER, "ids": reviewer_ids}
    restricted = reviewer_ids is not None
    sql = CANDIDATES_SQL.format(
        workload_filter="AND reviewer_id = ANY(%(ids)s)" if restricted else "",
        where="WHERE p.reviewer_id = ANY(%(ids)s)" if restricted else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Candidate(*row) for row in cursor.fetchall()]


PROGRAMMES_SQL = """
SELECT pr.id, pr.slug, pr.title, pv.name, pr.focus_level, pr.phases, pr.status, pr.submitted_at,
       COALESCE(ARRAY(SELECT r.reviewer_id FROM reviews_review r
                      WHERE r.programme_id = pr.id AND r.state <> ALL(%(off_it)s)), '{{}}'),
       (SELECT COUNT(*) FROM reviews_review r WHERE r.programme_id = pr.id AND r.state = ANY(%(active)s))
FROM programmes_programme pr JOIN providers_provider pv ON pv.id = pr.provider_id
WHERE {where}
ORDER BY pr.submitted_at NULLS LAST, pr.id
{limit}
"""


def _programmes(where: str, params: dict) -> list[ProgrammeFacts]:
    # A released, superseded (re-reviewed) or withdrawn review no longer puts its reviewer on it.
    off_it = [ReviewState.RELEASED, ReviewState.SUPERSEDED, ReviewState.WITHDRAWN]
    params = {**params, "released": ReviewState.RELEASED, "off_it": off_it, "active": sorted(REVIEW_ACTIVE)}
    with connection.cursor() as cursor:
        cursor.execute(
            PROGRAMMES_SQL.format(where=where, limit="LIMIT %(limit)s" if params.get("limit") else ""), params
        )
        rows = cursor.fetchall()
    return [
        ProgrammeFacts(id_, slug, title, provider, focus, phases, status, submitted, frozenset(reviewers), active)
        for id_, slug, title, provider, focus, phases, status, submitted, reviewers, active in rows
    ]


def programme_facts(*, programme_ids: list[int]) -> list[ProgrammeFacts]:
    return _programmes("pr.id = ANY(%(ids)s)", {"ids": programme_ids})


def awaiting_reviewers(*, min_reviews: int, limit: int | None = None) -> list[ProgrammeFacts]:
    """The queue to assign: submitted programmes, and those in review with too few reviewers."""
    where = (
        "pr.status = %(submitted)s OR (pr.status = %(in_review)s AND "
        "(SELECT COUNT(*) FROM reviews_review r WHERE r.programme_id = pr.id AND r.state = ANY(%(active)s))"
        " < %(min_reviews)s)"
    )
    params = {
        "submitted": ProgrammeStatus.SUBMITTED,
        "in_review": ProgrammeStatus.IN_REVIEW,
        "min_reviews": min_reviews,
        "active": sorted(REVIEW_ACTIVE),
        "limit": limit,
    }
    return _programmes(where, params)


CONFLICTS_SQL = """
WITH target AS (
    SELECT pr.id AS programme_id, pv.id AS provider_id, pv.name AS provider_name
    FROM programmes_programme pr JOIN providers_provider pv ON pv.id = pr.provider_id
    WHERE pr.id = ANY(%(programmes)s)
)
SELECT t.programme_id, a.reviewer_id, a.ended_on, t.provider_name
FROM target t JOIN reviews_affiliation a ON a.provider_id = t.provider_id
WHERE (a.ended_on IS NULL OR a.ended_on >= %(since)s) {reviewer_filter}
UNION
SELECT t.programme_id, a.reviewer_id, a.ended_on, t.provider_name
FROM target t JOIN reviews_affiliation a ON lower(a.organisation_name) = lower(t.provider_name)
WHERE (a.ended_on IS NULL OR a.ended_on >= %(since)s) {reviewer_filter}
UNION
SELECT r.programme_id, r.reviewer_id, NULL, NULL
FROM reviews_review r
WHERE r.programme_id = ANY(%(programmes)s) AND r.state = %(released)s {review_filter}
"""


@dataclass(frozen=True)
class ConflictFound:
    declared: bool
    provider_name: str | None = None
    ended_on: date | None = None

    def reason(self, username: str) -> str:
        if self.declared:
            return f"{username} has declared a conflict of interest on this programme."
        period = f"until {self.ended_on:%-d %B %Y}" if self.ended_on else "currently"
        return (
            f"{username} is affiliated with {self.provider_name} ({period}), "
            f"within the last {CONFLICT_YEARS} years: a conflict of interest."
        )


def conflict_cutoff() -> date:
    return date.today() - timedelta(days=365 * CONFLICT_YEARS)


def conflicts(
    *, programme_ids: list[int], reviewer_ids: list[int] | None = None
) -> dict[int, dict[int, ConflictFound]]:
    """programme id → reviewer id → the conflict (a declared one wins over an affiliation)."""
    params = {
        "programmes": programme_ids,
        "reviewers": reviewer_ids,
        "since": conflict_cutoff(),
        "released": ReviewState.RELEASED,
    }
    sql = CONFLICTS_SQL.format(
        reviewer_filter="AND a.reviewer_id = ANY(%(reviewers)s)" if reviewer_ids is not None else "",
        review_filter="AND r.reviewer_id = ANY(%(reviewers)s)" if reviewer_ids is not None else "",
    )
    found: dict[int, dict[int, ConflictFound]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for programme_id, reviewer_id, ended_on, provider_name in cursor.fetchall():
            conflict = ConflictFound(declared=provider_name is None, provider_name=provider_name, ended_on=ended_on)
            known = found[programme_id].get(reviewer_id)
            if known is None or conflict.declared or (known.ended_on and not conflict.ended_on):
                found[programme_id][reviewer_id] = conflict
    return found


# --- The rule --------------------------------------------------------------------------------


def refusals(
    candidate: Candidate, programme: ProgrammeFacts, conflict: ConflictFound | None, *, extra_load: int = 0
) -> list[str]:
    """Why this reviewer may not be assigned this programme, in words; empty if they may."""
    name = candidate.username
    reasons = []
    if not candidate.signs_in_as_reviewer:
        reasons.append(f"{name} is not an active reviewer.")
    elif candidate.status != ReviewerStatus.ACTIVE:
        reasons.append(f"{name} is {candidate.status_label.lower()} in the reviewer pool, so cannot be assigned.")
    elif candidate.needs_recalibration:
        reasons.append(f"{name} must pass the calibration exercise for the new framework version first.")
    load = candidate.open_reviews + extra_load
    if load >= candidate.capacity:
        reasons.append(f"{name} already has {load} of {candidate.capacity} reviews at once (their capacity).")
    if conflict is not None:
        reasons.append(conflict.reason(name))
    if candidate.reviewer_id in programme.reviewer_ids:
        reasons.append(f"{name} is already assigned to this programme.")
    return reasons


def assignment_refusals(*, reviewer, programme: Programme) -> list[str]:
    """The rule for one reviewer and one programme, as the assignment service asks it."""
    found = candidates(reviewer_ids=[reviewer.id])
    if not found:
        return [f"{reviewer.username} is not an active reviewer. They are not in the reviewer pool."]
    facts = programme_facts(programme_ids=[programme.id])[0]
    conflict = conflicts(programme_ids=[programme.id], reviewer_ids=[reviewer.id]).get(programme.id, {})
    return refusals(found[0], facts, conflict.get(reviewer.id))


class PoolArrays:
    """The pool as arrays, for asking the rule of every reviewer at once."""

    def __init__(self, pool: list[Candidate]):
        self.pool = pool
        self.index = {candidate.reviewer_id: position for position, candidate in enumerate(pool)}
        self.may_take_work = np.array([c.may_take_work for c in pool], dtype=bool)
        self.capacity = np.array([c.capacity for c in pool], dtype=np.int64)
        self.open_reviews = np.array([c.open_reviews for c in pool], dtype=np.int64)
        self.focus_levels = np.array([c.focus_levels for c in pool], dtype=np.int64)
        self.phases = np.array([c.phases for c in pool], dtype=np.int64)

    def positions(self, reviewer_ids) -> list[int]:
        return [self.index[reviewer_id] for reviewer_id in reviewer_ids if reviewer_id in self.index]

    def knows(self, programme: ProgrammeFacts) -> np.ndarray:
        return ((self.focus_levels & programme.focus_bit) != 0) & ((self.phases & programme.phases) != 0)

    def assignable(self, programme: ProgrammeFacts, conflicted: dict, extra_load: np.ndarray) -> np.ndarray:
        """``refusals(...) == []`` for every pool member, as one boolean mask."""
        mask = self.may_take_work & (self.open_reviews + extra_load < self.capacity)
        mask[self.positions(conflicted)] = False
        mask[self.positions(programme.reviewer_ids)] = False
        return mask
