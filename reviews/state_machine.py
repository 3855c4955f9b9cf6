"""The review and programme state machines, in one place.

Every service that changes a review's or a programme's state asks ``next_state``. An impossible
transition raises ``InvalidTransition`` with a message a user can act on. Repeating an action that
has already happened (a second click on "Submit", a retried task) is harmless: ``next_state``
reports it as a repeat and the service does nothing.

Review:    assigned → in-progress → submitted → accepted → published → withdrawn / superseded
                         ↑              │  ↑ │
                         └── returned ←─┘  └─┘ (resubmitted)
           assigned / in-progress / returned → released (the reviewer declared a conflict)
Programme: draft → submitted → in-review → published → withdrawn (withdrawn from any live state)

Withdrawn is the end state of both paths, so it says nothing on its own about what the world has
seen: a withdrawn programme stays public (marked "Withdrawn") only if it was published before, and
a withdrawn review counts as handed in only if it was submitted before. ``PROGRAMME_PUBLIC`` and
``REVIEW_WAS_HANDED_IN`` are those two rules; every public read and the blind-review policy use them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from programmes.vocabulary import ProgrammeStatus
from qaportal.errors import InvalidTransition
from reviews.models import ReviewState

R = ReviewState
P = ProgrammeStatus

# The states a reviewer may still type into.
REVIEW_EDITABLE = frozenset({R.ASSIGNED, R.IN_PROGRESS, R.RETURNED})
# States in which the reviewer has handed in their scores (and so may see other reviewers').
REVIEW_HANDED_IN = frozenset({R.SUBMITTED, R.ACCEPTED, R.PUBLISHED, R.WITHDRAWN, R.SUPERSEDED})
# A programme the public may read: published, or withdrawn after it had been published.
PROGRAMME_PUBLIC = Q(status=P.PUBLISHED) | Q(status=P.WITHDRAWN, published_at__isnull=False)
# A review whose scores were handed in: withdrawing a review never finished hands nothing in.
REVIEW_WAS_HANDED_IN = Q(state__in=REVIEW_HANDED_IN - {R.WITHDRAWN}) | Q(state=R.WITHDRAWN, submitted_at__isnull=False)
# A review that still counts towards the programme (not released or withdrawn).
REVIEW_ACTIVE = frozenset({R.ASSIGNED, R.IN_PROGRESS, R.SUBMITTED, R.RETURNED, R.ACCEPTED, R.PUBLISHED})


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str
    verb: str  # for messages: "This review cannot be <verb> ..."


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

PROGRAMME_TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({P.DRAFT}), P.SUBMITTED, "submitted for review"),
    "start_review": Transition(frozenset({P.SUBMITTED}), P.IN_REVIEW, "put into review"),
    "publish": Transition(frozenset({P.IN_REVIEW}), P.PUBLISHED, "published"),
    "withdraw": Transition(frozenset({P.DRAFT, P.SUBMITTED, P.IN_REVIEW, P.PUBLISHED}), P.WITHDRAWN, "withdrawn"),
}


@dataclass(frozen=True)
class Step:
    old: str
    new: str

    @property
    def is_repeat(self) -> bool:
        """The action had already happened: the caller should change nothing."""
        return self.old == self.new


def _next(transitions: dict[str, Transition], noun: str, labels, current: str, action: str) -> Step:
    transition = transitions[action]
    if current in transition.sources:
        return Step(current, transition.target)
    # "Save draft" on a returned review keeps it returned until resubmitted; any other repeat
    # of an action that has already happened is a harmless no-op.
    if current == transition.target:
        return Step(current, current)
    raise InvalidTransition(f"This {noun} is {labels(current).lower()}, so it cannot be {transition.verb}.")


def _review_label(state: str) -> str:
    return ReviewState(state).label


def _programme_label(status: str) -> str:
    return ProgrammeStatus(status).label


def review_step(current: str, action: str) -> Step:
    if action == "save_draft" and current == R.RETURNED:
        return Step(current, current)
    return _next(REVIEW_TRANSITIONS, "review", _review_label, current, action)


def programme_step(current: str, action: str) -> Step:
    return _next(PROGRAMME_TRANSITIONS, "programme", _programme_label, current, action)


def programme_is_public(programme) -> bool:
    return programme.status == P.PUBLISHED or (programme.status == P.WITHDRAWN and programme.published_at is not None)


def review_was_handed_in(review) -> bool:
    if review.state == R.WITHDRAWN:
        return review.submitted_at is not None
    return review.state in REVIEW_HANDED_IN
