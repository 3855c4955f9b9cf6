"""Helpers for the pool tests: programmes awaiting reviewers, and reviewers with a given standing."""

import pytest

from programmes.vocabulary import FocusLevel, ProgrammeStatus
from providers.vocabulary import Phase
from tests import factories

# The API tests' clients: anonymous, and signed in with a token per named user.
from tests.api.conftest import anonymous, as_user, fresh_throttle_counts  # noqa: F401
from tests.workflow.conftest import add_evidence


def queued_programme(provider=None, **fields):
    fields.setdefault("status", ProgrammeStatus.SUBMITTED)
    return factories.make_programme(provider, **fields)


def pool_reviewer(username: str, **profile):
    user = factories.make_user(username, role="reviewer")
    factories.join_pool(user, **profile)
    return user


@pytest.fixture
def sample_programme(provider):
    """A programme kept for training: a draft with a full portfolio, never in the directory."""
    return add_evidence(
        factories.make_programme(
            provider,
            title="Sample: leading phonics across a trust",
            slug="sample-leading-phonics",
            status=ProgrammeStatus.DRAFT,
            focus_level=FocusLevel.MIDDLE_LEADER,
            phases=[Phase.PRIMARY],
        )
    )
