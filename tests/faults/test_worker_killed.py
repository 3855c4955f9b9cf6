"""kill -9 of a worker in the middle of a stale sweep and of a whole-register recompute: the ratings are
right within a minute of a new worker starting (here: the claim is 3 s and beat sweeps every second)."""

import time

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from ratings.engine import LOCK_FULL_RECOMPUTE, LOCK_NAMESPACE_PROGRAMME, recompute_all
from ratings.models import FullRecomputeRequest, ProgrammeRating, StaleRating
from ratings.tasks import recompute_all_ratings
from tests.conftest import wait_until
from tests.factories import make_programme, make_provider, make_review, make_user

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


class HeldLock:
    """A session-level advisory lock held by a connection of the test's own, which makes the worker
    wait inside its task: the moment to kill it."""

    def __init__(self, *key: int, shared: bool = False):
        settings = connection.settings_dict
        self.connection = psycopg2.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            host=settings["HOST"] or "127.0.0.1",
            port=settings["PORT"] or 5432,
        )
        self.connection.autocommit = True
        function = "pg_advisory_lock_shared" if shared else "pg_advisory_lock"
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s, %s)", key)

    def waiting_backends(self) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            return cursor.fetchone()[0]

    def release(self) -> None:
        self.connection.close()


def rated_programme_with_a_new_review():
    programme = make_programme(make_provider())
    for score in (2, 2):
        make_review(programme, make_user(), scores=score)
    recompute_all()
    make_review(programme, make_user(), scores=4)  # the rating is now out of date
    return programme


def killed_inside_its_task_then_redone(services, lock: HeldLock, claimed, programme, start=None) -> float:
    """Start a worker, kill it once it has claimed the work and waits on ``lock`` inside the
    recompute, start another; the seconds until the programme's rating counts its third review."""
    first = services.worker()
    if start:
        start()
    wait_until(claimed.exists, timeout=30)
    wait_until(lambda: lock.waiting_backends() > 0, timeout=30)  # the worker is inside the recompute
    services.kill_9(first)
    lock.release()

    services.worker()
    started = time.monotonic()
    wait_until(lambda: ProgrammeRating.objects.filter(programme=programme, review_count=3).exists(), timeout=60)
    return time.monotonic() - started


def test_a_worker_killed_during_a_stale_sweep_has_its_batch_redone_by_the_next(services):
    programme = rated_programme_with_a_new_review()
    StaleRating.objects.create(programme=programme, marked_at=timezone.now())  # only the sweep will see it
    lock = HeldLock(LOCK_NAMESPACE_PROGRAMME, programme.id % 2147483647)

    took = killed_inside_its_task_then_redone(
        services, lock, StaleRating.objects.filter(claimed_until__isnull=False), programme
    )
    print(f"stale sweep redone {took:.1f} s after the new worker started")
    assert took < 60
    assert ProgrammeRating.objects.get(programme=programme).raw_mean == pytest.approx(8 / 3)
    wait_until(lambda: not StaleRating.objects.exists(), timeout=10)


def test_a_worker_killed_during_a_whole_register_recompute_has_it_redone_by_the_next(services):
    programme = rated_programme_with_a_new_review()  # no stale marker: only a whole-register recompute sees it
    lock = HeldLock(LOCK_FULL_RECOMPUTE, 0, shared=True)

    took = killed_inside_its_task_then_redone(
        services,
        lock,
        FullRecomputeRequest.objects.filter(claimed_until__isnull=False),
        programme,
        start=recompute_all_ratings.delay,
    )
    print(f"whole-register recompute redone {took:.1f} s after the new worker started")
    assert took < 60
    wait_until(lambda: not FullRecomputeRequest.objects.exists(), timeout=10)
