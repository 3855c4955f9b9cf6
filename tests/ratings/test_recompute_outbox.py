"""The whole-register recompute is a durable request, and every claim is short: a worker that dies
leaves its work to the sweep within a minute, not a quarter of an hour."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ratings.engine import recompute_all
from ratings.models import FullRecomputeRequest, ProgrammeRating, StaleRating
from ratings.services import (
    claim_stale_batch,
    full_recompute_run,
    mark_all_ratings_stale,
    mark_programme_rating_stale,
    stale_ratings_sweep,
)
from ratings.tasks import recompute_all_ratings, sweep_stale_ratings
from tests.factories import make_programme, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_grace(settings):
    settings.OUTBOX_GRACE_SECONDS = 0


@pytest.fixture
def rated_programme(provider, reviewer, other_reviewer):
    programme = make_programme(provider)
    make_review(programme, reviewer, scores=3)
    make_review(programme, other_reviewer, scores=3)
    recompute_all()
    return programme


def test_a_stale_claim_lasts_the_outbox_claim_not_the_task_time_limit(provider, settings):
    settings.OUTBOX_CLAIM_SECONDS = 30
    programme = make_programme(provider)
    mark_programme_rating_stale(programme_id=programme.id)
    claim_stale_batch(batch_size=10)
    claimed_until = StaleRating.objects.get().claimed_until
    assert claimed_until - timezone.now() < timedelta(seconds=31)


def test_a_dead_sweeps_batch_is_taken_again_once_its_claim_expires(rated_programme, convenor):
    make_review(rated_programme, convenor, scores=4)
    mark_programme_rating_stale(programme_id=rated_programme.id)
    StaleRating.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))  # its sweep was killed

    assert stale_ratings_sweep() == 1
    assert ProgrammeRating.objects.get(programme=rated_programme).review_count == 3


def test_marking_everything_stale_requests_a_whole_register_recompute_in_the_same_transaction(rated_programme):
    mark_all_ratings_stale()
    assert FullRecomputeRequest.objects.get().claimed_until is None


def test_the_sweep_runs_an_owed_whole_register_recompute(rated_programme, convenor, no_grace):
    make_review(rated_programme, convenor, scores=4)
    mark_all_ratings_stale()

    sweep_stale_ratings()

    assert ProgrammeRating.objects.get(programme=rated_programme).review_count == 3
    assert not FullRecomputeRequest.objects.exists() and not StaleRating.objects.exists()


def test_a_killed_nightly_recompute_leaves_its_request_for_the_sweep(rated_programme, convenor, no_grace):
    """What a worker killed mid-recompute leaves behind: the request, claimed until a moment ago."""
    make_review(rated_programme, convenor, scores=4)
    FullRecomputeRequest.objects.create(
        requested_at=timezone.now(), claimed_until=timezone.now() - timedelta(seconds=1)
    )

    assert full_recompute_run(only_if_requested=True) == 1
    assert ProgrammeRating.objects.get(programme=rated_programme).review_count == 3
    assert not FullRecomputeRequest.objects.exists()


def test_a_recompute_a_live_worker_holds_is_not_run_twice(rated_programme, no_grace):
    FullRecomputeRequest.objects.create(
        requested_at=timezone.now(), claimed_until=timezone.now() + timedelta(seconds=30)
    )
    assert full_recompute_run(only_if_requested=True) is None
    assert recompute_all_ratings() is None
    assert FullRecomputeRequest.objects.exists()


def test_the_nightly_task_runs_without_a_request_and_clears_the_one_it_wrote(rated_programme, settings):
    settings.OUTBOX_GRACE_SECONDS = 60
    assert recompute_all_ratings() == 1
    assert not FullRecomputeRequest.objects.exists()


def test_a_request_made_during_a_recompute_survives_it(rated_programme, monkeypatch, no_grace):
    import ratings.services as services

    real_refresh = services.ratings_refresh_all

    def refresh_while_someone_asks_again(**kwargs):
        rated = real_refresh(**kwargs)
        services.request_full_recompute(now=timezone.now() + timedelta(seconds=1))
        return rated

    monkeypatch.setattr(services, "ratings_refresh_all", refresh_while_someone_asks_again)
    recompute_all_ratings()
    assert FullRecomputeRequest.objects.get().claimed_until is None
