from decimal import Decimal

import pytest
from django.core.cache import cache

from programmes.facets import snapshots
from programmes.filters import ProgrammeFilter
from programmes.search import refresh_search_vectors
from tests.directory.conftest import rate, titles
from tests.factories import make_programme

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("best", ["mentor", "curriculum", "executive", "middle", "network", "headship"]),
        ("most-reviewed", ["executive", "mentor", "curriculum", "middle", "headship", "network"]),
        ("newest", ["network", "middle", "executive", "curriculum", "headship", "mentor"]),
        ("cost", ["mentor", "network", "curriculum", "executive", "middle", "headship"]),
        ("title", ["executive", "headship", "network", "curriculum", "mentor", "middle"]),
    ],
)
def test_every_sort_orders_as_a_school_leader_expects_and_breaks_ties_by_age_on_the_register(
    client, catalogue, sort, expected
):
    # Ties (curriculum and executive: same score, same cost) fall back to the order they joined the register.
    response = client.get("/programmes/", {"sort": sort})
    assert titles(response) == [getattr(catalogue, name).title for name in expected]


@pytest.mark.parametrize("sort", ["best", "most-reviewed", "newest", "cost", "title", "relevance"])
def test_every_sort_is_stable_across_pages_and_matches_the_database_order(client, catalogue, sort):
    for number in range(30):
        programme = make_programme(
            catalogue.trust,
            title=f"Tied leaders programme {number % 3}",
            cost_per_participant=Decimal("100"),
            published_at=catalogue.mentor.published_at,
        )
        if number % 2:
            rate(programme, 2, 3.0, 3)
    refresh_search_vectors()
    params = {"sort": sort, "q": "leaders"}
    pages = [titles(client.get("/programmes/", {**params, "page": number})) for number in (1, 2)]
    shown_ids = [
        p.id for number in (1, 2) for p in client.get("/programmes/", {**params, "page": number}).context["page"]
    ]
    assert len(shown_ids) == len(set(shown_ids)) == len(pages[0]) + len(pages[1])
    database_order = list(ProgrammeFilter(params).qs.values_list("id", flat=True))
    assert shown_ids == database_order[: len(shown_ids)]


def test_pages_split_the_results_and_the_next_link_keeps_the_filters(client, catalogue):
    for number in range(45):
        make_programme(catalogue.trust, title=f"Extra course {number:02}", regions=["london"])

    first = client.get("/programmes/", {"region": "london", "sort": "title"})
    third = client.get("/programmes/", {"region": "london", "sort": "title", "page": 3})

    assert first.context["directory"].total == 48
    assert len(titles(first)) == 20 and len(titles(third)) == 8
    assert first.context["page"].paginator.num_pages == 3
    assert "?region=london&amp;sort=title&amp;page=2" in first.content.decode()


def test_a_larger_page_size_can_be_chosen_from_a_fixed_list(client, catalogue):
    for number in range(60):
        make_programme(catalogue.trust, title=f"Extra course {number:02}")
    assert len(titles(client.get("/programmes/", {"per_page": 50}))) == 50
    assert len(titles(client.get("/programmes/", {"per_page": 100000}))) == 20


@pytest.mark.parametrize(
    "query",
    [
        "page=abc", "page=-1", "page=99999", "min_cost=-1", "max_cost=abc", "min_cost=1e400", "region=Atlantis",
        "focus=&focus=nobody", "min_band=9", "element=governance&element_min=x", "element=magic&element_min=2",
        "element_min=2", "sort=cheapest", "free=maybe", "rated=2", "per_page=0", "q=%00", "region=london&region=",
        "unknown=1", "phase[]=primary",
    ],
)  # fmt: skip
def test_malformed_parameters_are_answered_without_a_server_error(client, catalogue, query):
    response = client.get(f"/programmes/?{query}")
    assert response.status_code == 200
    assert response.context["directory"].total >= 0


def test_a_malformed_filter_is_explained_next_to_it_and_the_others_still_apply(client, catalogue):
    response = client.get("/programmes/?min_cost=-1&region=Atlantis&format=coaching&page=abc")
    page = response.content.decode()

    assert "There is a problem" in page
    assert "Minimum cost per participant must be 0 or more" in page
    assert "“Atlantis” is not one of the options for region; select one from the list" in page
    assert 'href="#id_region_0"' in page and 'href="#id_min_cost"' in page
    assert 'value="-1"' in page  # what the user typed is kept
    assert set(titles(response)) == {catalogue.mentor.title, catalogue.headship.title}


def test_an_element_minimum_without_an_element_asks_for_the_element(client, catalogue):
    response = client.get("/programmes/?element_min=2")
    assert "Choose the element the minimum applies to" in response.content.decode()
    assert response.context["directory"].total == len(catalogue.published())


@pytest.mark.parametrize("per_page", [20, 100])
def test_a_directory_page_issues_the_same_few_queries_whatever_its_size(
    client, catalogue, django_assert_max_num_queries, per_page, settings
):
    settings.DIRECTORY_SNAPSHOT_REUSE = True  # as in production: built once, then reused while unchanged
    for number in range(120):
        make_programme(catalogue.trust, title=f"Extra course {number:03}", regions=["london"])
    refresh_search_vectors()
    snapshots.forget()  # a cold process: an earlier test's snapshot belongs to other data
    cache.clear()  # and no search shared by another process: this one searches the register
    client.get("/programmes/")  # builds this process's snapshot of the directory
    # The change log since the snapshot's version (nothing new), the search's ids, one page of rows
    # with provider and rating.
    with django_assert_max_num_queries(3):
        response = client.get("/programmes/", {"per_page": per_page, "q": "course", "region": "london"})
    assert len(titles(response)) == per_page
