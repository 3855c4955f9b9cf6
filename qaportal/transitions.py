"""How a state machine answers "may this happen now?", for the review's and the programme's alike.

An impossible transition raises ``InvalidTransition`` with a message a user can act on. Repeating an
action that has already happened (a second click on "Submit", a retried task) is harmless: the step
is reported as a repeat and the service does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qaportal.errors import InvalidTransition


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str
    verb: str  # for messages: "This review cannot be <verb> ..."


@dataclass(frozen=True)
class Step:
    old: str
    new: str

    @property
    def is_repeat(self) -> bool:
        """The action had already happened: the caller should change nothing."""
        return self.old == self.new


def next_step(
    transitions: dict[str, Transition], noun: str, labels: Callable[[str], str], current: str, action: str
) -> Step:
    transition = transitions[action]
    if current in transition.sources:
        return Step(current, transition.target)
    # "Save draft" on a returned review keeps it returned until resubmitted; any other repeat
    # of an action that has already happened is a harmless no-op.
    if current == transition.target:
        return Step(current, current)
    raise InvalidTransition(f"This {noun} is {labels(current).lower()}, so it cannot be {transition.verb}.")
