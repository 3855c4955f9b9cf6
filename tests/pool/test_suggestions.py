"""Suggested assignment: never a conflicted, paused, in-training, retired or full reviewer; the
work spread evenly; pairs who keep reviewing together avoided; every choice explained."""

from datetime import date, timedelta

import numpy as np
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pool import services, suggestions
from pool.eligibility import PoolArrays, awaiting_reviewers, candidates, conflicts, refusals
from pool.models import ReviewerStatus
from programmes.vocabulary import FocusLevel, ProgrammeStatus
from providers.vocabulary import Phase
from reviews.models import Affiliation, AuditEvent, Review, ReviewState
from tests import factories
from tests.pool.conftest import pool_reviewer, queued_programme

pytestmark = pytest.mark.django_db

reviewer_spec = st.fixed_dictionaries(
    {
        "status": st.sampled_from(list(ReviewerStatus.values)),
        "capacity": st.integers(1, 3),
        "open_reviews": st.integers(0, 3),
        "affiliated_with": st.one_of(st.none(), st.integers(0, 2)),
        "left_years_ago": st.one_of(st.none(), st.integers(1, 5)),
        "by_name_only": st.booleans(),
        "declared_on": st.one_of(st.none(), st.integers(0, 3)),
        "knows_focus": st.booleans(),
    }
)


def build_pool(specs, providers, queue, elsewhere):
    """Rows for a random pool; returns the conflicts the test itself works out from the specs."""
    expected_conflicts: set[tuple[int, int]] = set()
    for number, spec in enumerate(specs):
        focus = [FocusLevel.MIDDLE_LEADER] if spec["knows_focus"] else [FocusLevel.EXECUTIVE]
        user = pool_reviewer(
            f"pool-{number}",
            status=spec["status"],
            capacity=spec["capacity"],
            focus_levels=focus,
            phases=[Phase.PRIMARY],
        )
        for _ in range(spec["open_reviews"]):
            factories.make_review(
                factories.make_programme(status=ProgrammeStatus.IN_REVIEW),
                user,
                state=ReviewState.ASSIGNED,
                scores=None,
            )
        if spec["affiliated_with"] is not None:
            provider = providers[spec["affiliated_with"]]
            ended = date.today() - timedelta(days=365 * spec["left_years_ago"] + 30) if spec["left_years_ago"] else None
            Affiliation.objects.create(
                reviewer=user,
                provider=None if spec["by_name_only"] else provider,
                organisation_name=provider.name.upper() if spec["by_name_only"] else provider.name,
                ended_on=ended,
            )
            if ended is None or spec["left_years_ago"] < 3:
                expected_conflicts |= {(p.id, user.id) for p in queue if p.provider_id == provider.id}
        if spec["declared_on"] is not None and spec["declared_on"] < len(queue):
            programme = queue[spec["declared_on"]]
            factories.make_review(programme, user, state=ReviewState.RELEASED, scores=None)
            expected_conflicts.add((programme.id, user.id))
    return expected_conflicts


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    specs=st.lists(reviewer_spec, min_size=1, max_size=10),
    programme_providers=st.lists(st.integers(0, 2), min_size=1, max_size=4),
)
def test_suggestions_never_include_a_conflicted_paused_or_full_reviewer(framework, specs, programme_providers):
    with transaction.atomic():
        providers = [factories.make_provider(name=f"Trust {i}") for i in range(3)]
        queue = [
            queued_programme(providers[i], focus_level=FocusLevel.MIDDLE_LEADER, phases=[Phase.PRIMARY])
            for i in programme_providers
        ]
        expected_conflicts = build_pool(specs, providers, queue, None)
        pool = {c.reviewer_id: c for c in candidates()}
        made = suggestions.suggest_for_queue()
        suggested_per_reviewer: dict[int, int] = {}
        for suggestion in made:
            for pick in suggestion.picks:
                reviewer = pool[pick.candidate.reviewer_id]
                suggested_per_reviewer[reviewer.reviewer_id] = suggested_per_reviewer.get(reviewer.reviewer_id, 0) + 1
                assert (suggestion.programme.id, reviewer.reviewer_id) not in expected_conflicts
                assert reviewer.status == ReviewerStatus.ACTIVE
        for reviewer_id, count in suggested_per_reviewer.items():
            assert pool[reviewer_id].open_reviews + count <= pool[reviewer_id].capacity
        # The mask the suggestions use and the reasons the pages show are the same rule.
        arrays = PoolArrays(list(pool.values()))
        found = conflicts(programme_ids=[p.id for p in queue])
        for programme in awaiting_reviewers(min_reviews=2):
            mask = arrays.assignable(programme, found.get(programme.id, {}), np.zeros(len(pool), dtype=np.int64))
            for position, candidate in enumerate(arrays.pool):
                said = refusals(candidate, programme, found.get(programme.id, {}).get(candidate.reviewer_id))
                assert mask[position] == (said == [])
        transaction.set_rollback(True)


def test_a_queue_of_200_among_50_reviewers_leaves_workloads_within_one_of_even(framework, convenor):
    reviewers = [pool_reviewer(f"even-{n:02d}", capacity=12) for n in range(50)]
    queue = [queued_programme(title=f"Queued {n}") for n in range(200)]
    made = suggestions.suggest_for_queue()
    pairs = [(s.programme.id, p.candidate.reviewer_id) for s in made for p in s.picks]
    assert len(pairs) == 400 and {s.programme.id for s in made} == {p.id for p in queue}
    outcomes = services.assignments_make(choices=pairs, by=convenor)
    assert all(outcome.assigned for outcome in outcomes)
    workloads = [Review.objects.filter(reviewer=r).count() for r in reviewers]
    assert max(workloads) - min(workloads) <= 1 and sum(workloads) == 400
    assert AuditEvent.objects.filter(action="assigned").count() == 400


def test_with_uneven_expertise_the_work_is_spread_within_each_group(framework):
    primary = [pool_reviewer(f"primary-{n}", capacity=20, phases=[Phase.PRIMARY]) for n in range(6)]
    secondary = [pool_reviewer(f"secondary-{n}", capacity=20, phases=[Phase.SECONDARY]) for n in range(4)]
    for n in range(12):
        queued_programme(title=f"Primary {n}", phases=[Phase.PRIMARY])
    for n in range(6):
        queued_programme(title=f"Secondary {n}", phases=[Phase.SECONDARY])
    made = suggestions.suggest_for_queue()
    counts: dict[int, int] = {}
    for suggestion in made:
        for pick in suggestion.picks:
            counts[pick.candidate.reviewer_id] = counts.get(pick.candidate.reviewer_id, 0) + 1
            assert pick.reasons[0].startswith("Knows")
    for group in (primary, secondary):
        loads = [counts.get(user.id, 0) for user in group]
        assert max(loads) - min(loads) <= 1


def test_pairs_who_keep_reviewing_together_are_split_when_the_workload_allows(framework):
    amy, ben, cal = (pool_reviewer(name, capacity=10) for name in ("amy", "ben", "cal"))
    for _ in range(3):
        past = factories.make_programme(status=ProgrammeStatus.PUBLISHED)
        factories.make_review(past, amy)
        factories.make_review(past, ben)
    factories.make_review(factories.make_programme(status=ProgrammeStatus.PUBLISHED), cal)  # cal is no busier
    programme = queued_programme()
    suggestion = suggestions.suggest_for_programme(programme_id=programme.id)
    chosen = [pick.candidate.username for pick in suggestion.picks]
    assert chosen[0] == "amy" and chosen[1] == "cal"
    assert "cal has not reviewed with amy." in suggestion.picks[1].reasons


def test_each_pick_says_why_it_was_chosen(framework, provider):
    pool_reviewer("light", capacity=4)
    busy = pool_reviewer("busy", capacity=4)
    factories.make_review(
        factories.make_programme(status=ProgrammeStatus.IN_REVIEW), busy, state=ReviewState.ASSIGNED, scores=None
    )
    conflicted = pool_reviewer("conflicted", capacity=4)
    Affiliation.objects.create(reviewer=conflicted, provider=provider, organisation_name=provider.name)
    programme = queued_programme(provider)
    suggestion, choices = suggestions.choices_for_programme(programme_id=programme.id)
    assert [pick.candidate.username for pick in suggestion.picks] == ["light", "busy"]
    assert suggestion.picks[0].reasons == [
        "Knows middle leaders and the primary phase.",
        "0 of 4 reviews at once before this — the lightest load among those who could take it.",
        f"No conflict of interest with {provider.name}.",
    ]
    refused = next(choice for choice in choices if choice.candidate.username == "conflicted")
    assert "conflicted is affiliated with Northgate Learning Trust (currently)" in refused.refusals[0]
    assert choices[-1].candidate.username == "conflicted"


def test_a_stale_suggestion_is_refused_with_the_reason_when_accepted(framework, convenor):
    only = pool_reviewer("only-one", capacity=1)
    first, second = queued_programme(), queued_programme()
    outcomes = services.assignments_make(choices=[(first.id, only.id), (second.id, only.id)], by=convenor)
    assert [outcome.assigned for outcome in outcomes] == [True, False]
    assert "already has 1 of 1 reviews at once" in outcomes[1].message
