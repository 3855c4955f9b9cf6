"""A search one web process made is not made again by another: its matches are shared through Redis,
keyed by the change log's text version, and brought up to date by re-searching only what changed."""

import pytest
from django.core.cache import cache

from programmes.facets import SnapshotHolder
from programmes.models import Programme
from programmes.search import refresh_search_vectors
from programmes.selectors import search_matches, search_rechecked
from programmes.vocabulary import ProgrammeStatus
from tests.factories import make_programme, make_provider

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reuse(settings):
    settings.DIRECTORY_SNAPSHOT_REUSE = True
    cache.clear()


class Process:
    """One web process's directory: its own snapshot and its own searches."""

    def __init__(self) -> None:
        self.holder, self.searched = SnapshotHolder(), 0

    def search(self, text: str, ranked: bool = True) -> list[int]:
        self.holder.current()

        def fetch():
            self.searched += 1
            return search_matches(text, ranked=ranked)

        found = self.holder.search_ids(
            text, ranked=ranked, fetch=fetch, recheck=lambda ids, providers: search_rechecked(text, ids, providers)
        )
        return [int(found_id) for found_id in found]


def test_the_second_process_answers_a_search_the_first_made_without_searching_the_register():
    provider = make_provider()
    best, other = make_programme(provider, title="Oracy oracy oracy"), make_programme(provider, title="Oracy in class")
    make_programme(provider, title="Phonics first")
    refresh_search_vectors()
    first, second = Process(), Process()

    assert first.search("oracy") == [best.id, other.id]
    assert second.search("oracy") == [best.id, other.id] and second.searched == 0
    assert second.search("oracy", ranked=False) and second.searched == 1  # another search: its own entry


def test_after_a_publication_the_shared_search_shows_it_in_every_process_and_is_searched_once():
    provider = make_provider()
    listed = make_programme(provider, title="Oracy in class")
    waiting = make_programme(provider, title="Oracy oracy oracy", status=ProgrammeStatus.IN_REVIEW)
    refresh_search_vectors()
    first, second = Process(), Process()
    assert first.search("oracy") == [listed.id] and second.search("oracy") == [listed.id]

    Programme.objects.filter(pk=waiting.pk).update(status=ProgrammeStatus.PUBLISHED)
    assert first.search("oracy") == [waiting.id, listed.id]  # re-searched by id, then shared
    assert second.search("oracy") == [waiting.id, listed.id]
    assert (first.searched, second.searched) == (1, 0)


def test_with_redis_down_each_process_still_searches_for_itself(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "qaportal.cache.FallbackRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    provider = make_provider()
    found = make_programme(provider, title="Oracy in class")
    refresh_search_vectors()
    first, second = Process(), Process()
    assert first.search("oracy") == [found.id] and second.search("oracy") == [found.id]


def shared_then_published() -> tuple[Programme, Programme]:
    """One process shares a search for "oracy"; then a second matching programme is published."""
    provider = make_provider()
    listed = make_programme(provider, title="Oracy in class")
    waiting = make_programme(provider, title="Oracy oracy oracy", status=ProgrammeStatus.IN_REVIEW)
    refresh_search_vectors()
    assert Process().search("oracy") == [listed.id]
    Programme.objects.filter(pk=waiting.pk).update(status=ProgrammeStatus.PUBLISHED)
    return listed, waiting


def test_a_process_started_after_a_publication_brings_the_shared_search_up_to_date_from_the_change_log():
    """A restarted (or newly added) web process has recorded no changes of its own: it reads from the
    log which programmes changed since the shared entry and re-searches only those."""
    listed, waiting = shared_then_published()
    started_since = Process()
    assert started_since.search("oracy") == [waiting.id, listed.id]
    assert started_since.searched == 0  # the two programmes looked at again, not the whole register


def test_a_shared_search_older_than_the_pruned_log_is_searched_afresh():
    from programmes.directory_version import prune

    listed, waiting = shared_then_published()
    Programme.objects.filter(pk=listed.pk).update(title="Oracy in every class")
    prune(older_than_seconds=-1)  # only the newest row is kept: which programmes changed is lost

    started_since = Process()
    assert sorted(started_since.search("oracy")) == sorted([waiting.id, listed.id])
    assert started_since.searched == 1
