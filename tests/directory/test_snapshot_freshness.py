"""A process's snapshot is reused while nothing changed, and the next request after any committed
change shows it: patched in from the change log, not rebuilt (issue 11)."""

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes.facets import build_snapshot, snapshots
from programmes.models import DirectoryChange, Programme
from programmes.search import refresh_search_vectors
from programmes.selectors import programme_directory
from programmes.vocabulary import FocusLevel, ProgrammeStatus
from providers.models import Provider
from providers.vocabulary import ProviderType
from ratings.models import ProgrammeRating, RatingValidity
from tests.conftest import wait_until
from tests.directory.conftest import rate
from tests.factories import make_programme, make_provider

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reuse(settings):
    settings.DIRECTORY_SNAPSHOT_REUSE = True
    snapshots.forget()  # each test starts from a cold process
    yield
    snapshots.forget()


def test_the_snapshot_is_reused_while_nothing_changes():
    make_programme()
    first = snapshots.current()
    assert snapshots.current() is first


def test_a_programme_published_after_the_snapshot_was_built_shows_at_the_next_request():
    provider = make_provider()
    make_programme(provider, title="Alpha")
    first = snapshots.current()
    draft = make_programme(provider, title="Beta", status=ProgrammeStatus.IN_REVIEW)
    assert snapshots.current() is first  # a programme in review changes nothing public

    Programme.objects.filter(pk=draft.pk).update(status=ProgrammeStatus.PUBLISHED)
    rate(draft, 2, 3.2, 3)
    directory = programme_directory(params={"min_band": "2"})
    assert directory.results.ids() == [draft.id]
    assert directory.facets["min_band"][1].count == 1
    assert programme_directory(params={}).total == 2
    assert len(snapshots.current()) == len(first) + 1  # appended to, not read again


def test_a_withdrawal_disappears_from_results_counts_and_orders_at_once():
    kept, withdrawn = (
        make_programme(title="Kept"),
        make_programme(title="Withdrawn", focus_level=FocusLevel.HEADTEACHER),
    )
    assert programme_directory(params={}).total == 2
    Programme.objects.filter(pk=withdrawn.pk).update(status=ProgrammeStatus.WITHDRAWN)

    directory = programme_directory(params={"sort": "newest"})
    assert directory.results.ids() == [kept.id]
    assert {option.value: option.count for option in directory.facets["focus"]}[FocusLevel.HEADTEACHER] == 0
    assert programme_directory(params={"focus": [FocusLevel.HEADTEACHER.value]}).total == 0
    assert programme_directory(params={"max_cost": "1000"}).total == 1  # masks computed from columns too


def test_a_set_based_rating_change_moves_the_band_and_the_best_rated_order_at_once():
    low, high = make_programme(title="Low"), make_programme(title="High")
    rate(low, 3, 2.1, 2)
    rate(high, 2, 3.0, 2)
    assert programme_directory(params={"sort": "best"}).results.ids() == [high.id, low.id]
    with connection.cursor() as cursor:  # as the ratings engine writes: plain SQL, no ORM signals
        cursor.execute("UPDATE ratings_programmerating SET band_rank = 1, band = 'Exemplary', shown_score = 3.9 "
                       "WHERE programme_id = %s", [low.id])  # fmt: skip
    directory = programme_directory(params={"sort": "best", "min_band": "1"})
    assert directory.results.ids() == [low.id]
    assert programme_directory(params={"sort": "best"}).results.ids() == [low.id, high.id]


def test_a_changed_title_takes_its_place_in_the_a_to_z_order_as_the_database_sorts_it():
    titles = ["Apple", "banana", "Cherry", "damson", "Éclair"]
    programmes = {title: make_programme(title=title) for title in titles}
    snapshots.current()
    Programme.objects.filter(pk=programmes["Apple"].pk).update(title="Date")
    expected = list(Programme.objects.order_by("title", "id").values_list("id", flat=True))
    assert programme_directory(params={"sort": "title"}).results.ids() == expected


def test_a_provider_change_reaches_its_programmes_facets_at_once():
    provider = make_provider(provider_type=ProviderType.MAT)
    programme = make_programme(provider)
    assert programme_directory(params={"provider_type": [ProviderType.MAT.value]}).total == 1
    Provider.objects.filter(pk=provider.pk).update(provider_type=ProviderType.UNIVERSITY)
    assert programme_directory(params={"provider_type": [ProviderType.UNIVERSITY.value]}).results.ids() == [
        programme.id
    ]
    assert programme_directory(params={"provider_type": [ProviderType.MAT.value]}).total == 0


def test_a_repeated_search_answers_the_same_and_follows_a_changed_title_at_once():
    oracy = make_programme(title="Oracy in the early years")
    maths = make_programme(title="Maths mastery")
    refresh_search_vectors()
    assert _found({"q": "oracy"}) == _found({"q": "oracy"}) == [oracy.id]
    assert _found({"q": "maths", "sort": "title"}) == [maths.id]

    Programme.objects.filter(id=oracy.id).update(title="Oracy and maths")
    refresh_search_vectors(programme_ids=[oracy.id])
    assert _found({"q": "maths", "sort": "title"}) == [maths.id, oracy.id]
    assert _found({"q": "oracy"}) == [oracy.id]


def _found(params: dict) -> list[int]:
    return programme_directory(params=params).results.ids()


PARAMS = [{}, {"sort": "best"}, {"sort": "most-reviewed"}, {"sort": "newest"}, {"sort": "cost"}, {"sort": "title"},
          {"min_band": "2"}, {"rated": "1"}, {"hide_expired": "1"}, {"free": "1"}, {"max_cost": "300"},
          {"focus": [FocusLevel.HEADTEACHER.value], "sort": "best"}, {"region": ["london"]}]  # fmt: skip


def test_many_patched_changes_leave_the_same_directory_as_reading_everything_again():
    rng = random.Random(11)
    programmes = [make_programme(title=f"Course {rng.randint(0, 999):03}", cost_per_participant=rng.choice(
        [Decimal(0), Decimal(250), Decimal(450)])) for _ in range(30)]  # fmt: skip
    for programme in programmes[:20]:
        rate(programme, rng.randint(1, 3), rng.uniform(1, 4), rng.randint(1, 5))
    snapshots.current()
    for _ in range(25):
        _random_change(rng, rng.choice(programmes))
        snapshots.current()
    for params in PARAMS:
        patched, fresh = (
            programme_directory(params=params),
            programme_directory(params=params, snapshot=build_snapshot()),
        )
        assert patched.results.ids() == fresh.results.ids(), params
        assert _counts(patched) == _counts(fresh), params


def _random_change(rng: random.Random, programme: Programme) -> None:
    change = rng.randrange(5)
    if change == 0:
        Programme.objects.filter(pk=programme.pk).update(status=rng.choice([ProgrammeStatus.PUBLISHED,
                                                                             ProgrammeStatus.WITHDRAWN]))  # fmt: skip
    elif change == 1:
        Programme.objects.filter(pk=programme.pk).update(title=f"Course {rng.randint(0, 999):03}")
    elif change == 2:
        ProgrammeRating.objects.filter(programme=programme).update(band_rank=rng.randint(1, 4),
                                                                   shown_score=rng.uniform(1, 4))  # fmt: skip
    elif change == 3:
        Programme.objects.filter(pk=programme.pk).update(cost_per_participant=Decimal(rng.choice([0, 100, 900])))
    elif RatingValidity.objects.filter(programme=programme).exists():
        RatingValidity.objects.filter(programme=programme).delete()


def _counts(directory) -> dict:
    return {name: [option.count for option in options] for name, options in directory.facets.items()}


def test_a_process_behind_the_pruned_log_reads_the_register_again_without_making_a_request_wait():
    make_programme()
    first = snapshots.current()
    make_programme()
    make_programme()
    DirectoryChange.objects.filter(version__lt=DirectoryChange.objects.latest("version").version).delete()

    assert snapshots.current() is first  # answered from what it has while the rebuild runs
    wait_until(lambda: snapshots.current().live == 3, timeout=15)


def _search(text: str, sort: str) -> list[int]:
    return programme_directory(params={"q": text, "sort": sort}).results.ids()


def test_a_cached_search_follows_publications_withdrawals_and_renames_in_rank_order_without_searching_again():
    provider = make_provider(name="Northgate Trust")
    titles = ["Oracy in the early years", "Oracy, oracy and more oracy", "Phonics first", "Talk for writing"]
    listed = [make_programme(provider, title=title) for title in titles]
    waiting = make_programme(title="Oracy oracy oracy oracy", status=ProgrammeStatus.IN_REVIEW)
    refresh_search_vectors()
    for sort in ("relevance", "title"):
        _search("oracy", sort)  # cached

    Programme.objects.filter(pk=waiting.pk).update(status=ProgrammeStatus.PUBLISHED)
    Programme.objects.filter(pk=listed[0].pk).update(status=ProgrammeStatus.WITHDRAWN)
    Programme.objects.filter(pk=listed[3].pk).update(title="Oracy through talk")
    refresh_search_vectors(programme_ids=[listed[3].pk])
    with CaptureQueriesContext(connection) as queries:
        ranked, by_title = _search("oracy", "relevance"), _search("oracy", "title")
    assert not any("programmes_search_published" in query["sql"] for query in queries.captured_queries)
    assert ranked[0] == waiting.id and set(ranked) == {waiting.id, listed[1].id, listed[3].id}
    assert set(by_title) == set(ranked)
    snapshots.clear_searches()
    assert (_search("oracy", "relevance"), _search("oracy", "title")) == (ranked, by_title)  # as read afresh
