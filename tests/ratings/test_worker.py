"""Through a real Celery worker process (and, for the outage, a real beat process)."""

import contextlib
import os
import socket
import subprocess
import sys
import time

import pytest
from django.db import transaction
from kombu import pools as kombu_pools

from qaportal.celery import app
from ratings.engine import recompute_all, recompute_programme
from ratings.models import ProgrammeRating, RatingHistory, StaleRating
from ratings.services import mark_programme_rating_stale
from reviews.models import ReviewState
from tests.conftest import ROOT, at_once, wait_until
from tests.factories import make_programme, make_provider, make_review, make_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def publish_reviews(programme, reviewers, score):
    """What the publish service does: reviews published and the rating marked stale, committed."""
    with transaction.atomic():
        for reviewer in reviewers:
            make_review(programme, reviewer, scores=score, state=ReviewState.PUBLISHED)
        mark_programme_rating_stale(programme_id=programme.id)


def test_publishing_reviews_makes_the_new_rating_visible_within_two_seconds(celery_worker_process):
    provider = make_provider()
    warm_up = make_programme(provider)
    publish_reviews(warm_up, [make_user(), make_user()], 3)
    wait_until(lambda: ProgrammeRating.objects.filter(programme=warm_up, review_count=2).exists(), timeout=10)
    programme = make_programme(provider)

    publish_reviews(programme, [make_user(), make_user()], 4)
    published_at = time.monotonic()

    rating = wait_until(lambda: ProgrammeRating.objects.filter(programme=programme, review_count=2).first(), timeout=2)
    assert time.monotonic() - published_at < 2
    assert rating.raw_mean == 4.0 and rating.band_rank is not None
    assert wait_until(lambda: not StaleRating.objects.filter(programme=programme).exists(), timeout=2)


def reset_producer_pools(broker_url):
    """Forget every pooled broker connection, including kombu's process-wide producer pools,
    so that the next message goes to ``broker_url`` (and later tests get working pools back)."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    kombu_pools.reset()
    app.conf.broker_url = broker_url


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free once the probe closes: nothing listens there


@pytest.fixture
def beat_process(tmp_path):
    """A real beat process that sends the stale sweep every second."""

    def start():
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qaportal.test_settings", "RATINGS_SWEEP_SECONDS": "1"}
        command = [sys.executable, "-m", "celery", "-A", "qaportal", "beat", "-s", str(tmp_path / "schedule")]
        log = open(tmp_path / "beat.log", "w")  # noqa: SIM115 - closed with the process below
        started.append((subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log))

    started: list = []
    yield start
    for process, log in started:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_a_broker_outage_loses_nothing_and_the_sweep_catches_up(celery_worker_process, beat_process, caplog):
    provider = make_provider()
    warm_up = make_programme(provider)
    make_review(warm_up, make_user(), scores=3)
    make_review(warm_up, make_user(), scores=3)
    recompute_all()
    programme = make_programme(provider)

    with unreachable_broker():
        publish_reviews(programme, [make_user(), make_user()], 4)  # must not raise

    assert "Could not publish the rating recompute" in caplog.text
    assert StaleRating.objects.filter(programme=programme).exists()
    assert not ProgrammeRating.objects.filter(programme=programme).exists()

    beat_process()
    rating = wait_until(lambda: ProgrammeRating.objects.filter(programme=programme).first(), timeout=20)
    assert (rating.review_count, rating.raw_mean) == (2, 4.0)
    assert wait_until(lambda: not StaleRating.objects.exists(), timeout=5)


@contextlib.contextmanager
def unreachable_broker():
    """Point this process's Celery producer at a closed port: the shared Redis keeps running
    for everyone else, and the worker stays connected to it."""
    working_url = app.conf.broker_url
    reset_producer_pools(f"redis://127.0.0.1:{closed_port()}/0")
    try:
        yield
    finally:
        reset_producer_pools(working_url)


def test_two_workers_recomputing_one_programme_at_once_write_one_history_row():
    programme = make_programme(make_provider())
    make_review(programme, make_user(), scores=3)
    make_review(programme, make_user(), scores=2)
    recompute_all()
    make_review(programme, make_user(), scores=4)
    errors = []

    def recompute():
        try:
            recompute_programme(programme_id=programme.id)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    at_once(recompute, 4)

    assert errors == []
    assert ProgrammeRating.objects.get(programme=programme).review_count == 3
    assert RatingHistory.objects.filter(programme=programme, review_count=3).count() == 1


def test_a_whole_register_recompute_through_the_worker_ends_with_its_result_readable(celery_worker_process):
    """What a publication page polls: the task's state, then its number of ratings."""
    from ratings.tasks import recompute_all_ratings

    programme = make_programme(make_provider())
    publish_reviews(programme, [make_user(), make_user()], 3)
    result = recompute_all_ratings.delay()

    wait_until(result.ready, timeout=30)
    assert (result.state, result.get()) == ("SUCCESS", ProgrammeRating.objects.count())
    assert ProgrammeRating.objects.get(programme=programme).raw_mean == 3.0
