"""Helpers for the workflow tests: programmes ready to submit, and scoring-form posts."""

import pytest

from programmes.models import EvidenceStatement
from programmes.vocabulary import ElementKey, ProgrammeStatus
from reviews.models import Affiliation, Criterion
from tests import factories

GOOD_RATIONALE = "The portfolio shows clear, consistent evidence for this."


def add_evidence(programme):
    for element in ElementKey:
        EvidenceStatement.objects.create(
            programme=programme, element=element, statement=f"What we do for {element.label}.", links=""
        )
    return programme


@pytest.fixture
def draft_programme(provider):
    return add_evidence(factories.make_programme(provider, status=ProgrammeStatus.DRAFT, title="Leading Maths"))


@pytest.fixture
def submitted_programme(provider):
    programme = factories.make_programme(provider, status=ProgrammeStatus.SUBMITTED, title="Coaching for Heads")
    return add_evidence(programme)


@pytest.fixture
def conflicted_reviewer(provider):
    """A reviewer who worked for the provider until last year."""
    from datetime import date

    reviewer = factories.make_user("reviewer-connie", role="reviewer")
    Affiliation.objects.create(
        reviewer=reviewer,
        provider=provider,
        organisation_name=provider.name,
        ended_on=date(date.today().year - 1, 7, 31),
    )
    return reviewer


def criteria(framework=None):
    framework = framework or factories.live_framework()
    return list(Criterion.objects.filter(element__framework=framework).order_by("element__position", "position"))


def score_post(*, action="submit", scores=3, rationale=GOOD_RATIONALE, confirm=True, overrides=None, skip=()):
    """The POST body of the scoring form: one level for all (or {code: level}), a rationale each."""
    data = {"action": action, "overall_comment": "A strong programme overall."}
    if confirm:
        data["no_conflict_confirmed"] = "on"
    for criterion in criteria():
        if criterion.code in skip:
            continue
        level = scores.get(criterion.code, 3) if isinstance(scores, dict) else scores
        if level is not None:
            data[f"score_{criterion.id}"] = str(level)
        data[f"rationale_{criterion.id}"] = rationale
    data.update(overrides or {})
    return data
