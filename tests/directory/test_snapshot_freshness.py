"""The per-process snapshot is reused while nothing changed and rebuilt once anything has."""

import pytest

from programmes.facets import snapshots
from programmes.models import Programme
from programmes.search import refresh_search_vectors
from programmes.selectors import programme_directory
from programmes.vocabulary import ProgrammeStatus
from ratings.models import ProgrammeRating
from tests.conftest import wait_until
from tests.directory.conftest import rate
from tests.factories import make_programme, make_provider


@pytest.fixture
def reuse(settings):
    settings.DIRECTORY_SNAPSHOT_REUSE = True
    settings.DIRECTORY_SNAPSHOT_REFRESH_SECONDS = 0
    snapshots._snapshot = None  # each test starts from a cold process


@pytest.mark.django_db
def test_the_snapshot_is_reused_while_nothing_changes(reuse):
    make_programme()
    first = snapshots.current()
    assert snapshots.current() is first


@pytest.mark.django_db(transaction=True)
def test_requests_are_answered_from_the_previous_snapshot_while_a_rebuild_runs(reuse, settings):
    settings.DIRECTORY_SNAPSHOT_REFRESH_SECONDS = 0
    make_programme()
    first = snapshots.current()
    make_programme()

    assert snapshots.current() is first  # no request waits for the rebuild it set off
    wait_until(lambda: len(snapshots.current()) == 2, timeout=15)


@pytest.mark.django_db(transaction=True)
def test_committed_changes_by_any_writer_reach_the_directory_within_seconds(reuse):
    provider = make_provider()
    programme = make_programme(provider)
    assert programme_directory(params={}).total == 1
    # A set-based write, as the ratings engine makes, bypassing the ORM's signals.
    rate(programme, 1, 3.7, 3)
    ProgrammeRating.objects.filter(programme=programme).update(band_rank=4, band="Limited")
    wait_until(lambda: programme_directory(params={"min_band": "4"}).facets["min_band"][3].count == 1, timeout=15)
    programme.__class__.objects.filter(id=programme.id).update(status=ProgrammeStatus.WITHDRAWN)
    wait_until(lambda: programme_directory(params={}).total == 0, timeout=15)


def _found(params: dict) -> list[int]:
    return programme_directory(params=params).results.ids()


@pytest.mark.django_db(transaction=True)
def test_a_repeated_search_answers_the_same_and_follows_a_changed_title(reuse):
    oracy = make_programme(title="Oracy in the early years")
    maths = make_programme(title="Maths mastery")
    refresh_search_vectors()
    assert _found({"q": "oracy"}) == _found({"q": "oracy"}) == [oracy.id]
    assert _found({"q": "maths", "sort": "title"}) == [maths.id]

    Programme.objects.filter(id=oracy.id).update(title="Oracy and maths")
    refresh_search_vectors(programme_ids=[oracy.id])
    wait_until(lambda: _found({"q": "maths", "sort": "title"}) == [maths.id, oracy.id], timeout=15)
    assert _found({"q": "oracy"}) == [oracy.id]
