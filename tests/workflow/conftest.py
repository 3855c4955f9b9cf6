"""Helpers for the workflow tests: programmes ready to submit, and scoring-form posts."""

import pytest

from programmes import lifecycle
from programmes.models import EvidenceStatement
from programmes.vocabulary import ElementKey, ProgrammeStatus
from ratings.engine import recompute_all
from ratings.models import ProgrammeRating
from reviews import services
from reviews.models import Affiliation, Criterion, Review, ReviewState
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


def published_through_the_service(provider, convenor, reviewers, *, title: str):
    """A programme with two accepted reviews at level 4, published through the service (its validity and
    trail start as in production), and rated."""
    programme = factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW, title=title)
    for reviewer in reviewers:
        factories.make_review(programme, reviewer, state=ReviewState.ACCEPTED, scores=4)
    lifecycle.programme_publish(programme=programme, by=convenor)
    recompute_all()
    return programme


def review_through_the_workflow(programme, reviewer, convenor, *, level: int) -> Review:
    """Assigned, scored, submitted and accepted through the services, as in production."""
    review = services.review_assign(programme=programme, reviewer=reviewer, by=convenor)
    scores = {
        criterion.id: services.ScoreInput(level, "The portfolio shows this at the chosen level.")
        for criterion in factories.criteria_of(factories.live_framework())
    }
    services.review_submit(review=review, by=reviewer, scores=scores, no_conflict_confirmed=True)
    return services.review_accept(review=review, by=convenor)


def rereviewed_and_published(client, programme, convenor) -> None:
    """Two new reviewers score the open re-review at level 2 and the convenor (signed in on
    ``client``) publishes it: the new rating stands, the earlier reviews are kept but superseded."""
    for username in ("reviewer-ula", "reviewer-vic"):
        review_through_the_workflow(programme, factories.make_user(username, role="reviewer"), convenor, level=2)
    client.post(f"/convenor/programmes/{programme.slug}/publish/")
    recompute_all()

    rating = ProgrammeRating.objects.get(programme=programme)
    assert rating.raw_mean == pytest.approx(2.0) and rating.review_count == 2
    assert Review.objects.filter(programme=programme, state=ReviewState.SUPERSEDED).count() == 2
