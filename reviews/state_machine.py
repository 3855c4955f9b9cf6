"""The review's state machine; the programme's is in ``programmes.lifecycle``.

Every service that changes a review's state asks ``review_step`` (see ``qaportal.transitions`` for
how an impossible transition and a repeat are answered).

Review:    assigned → in-progress → submitted → accepted → published → withdrawn / superseded
                         ↑              │  ↑ │
                         └── returned ←─┘  └─┘ (resubmitted)
           assigned / in-progress / returned → released (the reviewer declared a conflict)

Withdrawn is an end state, so it says nothing on its own about what the world has seen: a withdrawn
review counts as handed in only if it was submitted before. ``REVIEW_WAS_HANDED_IN`` is that rule;
the blind-review policy and every read of handed-in scores use it.
"""

from __future__ import annotations

from django.db.models import Q

from qaportal.transitions import Step, Transition, next_step
from reviews.models import ReviewState

R = ReviewState

# The states a reviewer may still type into.
REVIEW_EDITABLE = frozenset({R.ASSIGNED, R.IN_PROGRESS, R.RETURNED})
# States in which the reviewer has handed in their scores (and so may see other reviewers').
REVIEW_HANDED_IN = frozenset({R.SUBMITTED, R.ACCEPTED, R.PUBLISHED, R.WITHDRAWN, R.SUPERSEDED})
# A review whose scores were handed in: withdrawing a review never finished hands nothing in.
REVIEW_WAS_HANDED_IN = Q(state__in=REVIEW_HANDED_IN - {R.WITHDRAWN}) | Q(state=R.WITHDRAWN, submitted_at__isnull=False)
# A review that still counts towards the programme (not released or withdrawn).
REVIEW_ACTIVE = frozenset({R.ASSIGNED, R.IN_PROGRESS, R.SUBMITTED, R.RETURNED, R.ACCEPTED, R.PUBLISHED})


REVIEW_TRANSITIONS: dict[str, Transition] = {
    "save_draft": Transition(frozenset({R.ASSIGNED, R.IN_PROGRESS, R.RETURNED}), R.IN_PROGRESS, "edited"),
    "submit": Transition(REVIEW_EDITABLE, R.SUBMITTED, "submitted"),
    "accept": Transition(frozenset({R.SUBMITTED}), R.ACCEPTED, "accepted"),
    "return": Transition(frozenset({R.SUBMITTED, R.ACCEPTED}), R.RETURNED, "returned to the reviewer"),
    "publish": Transition(frozenset({R.ACCEPTED}), R.PUBLISHED, "published"),
    "withdraw": Transition(REVIEW_ACTIVE, R.WITHDRAWN, "withdrawn"),
    "release": Transition(REVIEW_EDITABLE, R.RELEASED, "released for a conflict of interest"),
    # A re-review's reviews, once published, replace these; they stay in the history.
    "supersede": Transition(frozenset({R.PUBLISHED}), R.SUPERSEDED, "superseded"),
}


def _review_label(state: str) -> str:
    return ReviewState(state).label


def review_step(current: str, action: str) -> Step:
    if action == "save_draft" and current == R.RETURNED:
        return Step(current, current)
    return next_step(REVIEW_TRANSITIONS, "review", _review_label, current, action)


def review_was_handed_in(review) -> bool:
    if review.state == R.WITHDRAWN:
        return review.submitted_at is not None
    return review.state in REVIEW_HANDED_IN
