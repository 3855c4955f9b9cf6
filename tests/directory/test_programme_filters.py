import pytest

from tests.directory.conftest import facet, titles

pytestmark = pytest.mark.django_db


def shown(client, query: str) -> set[str]:
    response = client.get(f"/programmes/?{query}&per_page=100")
    assert response.status_code == 200
    return set(titles(response))


def test_the_directory_lists_only_published_programmes(client, catalogue):
    assert shown(client, "") == {programme.title for programme in catalogue.published()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("focus=middle-leader", {"curriculum", "middle"}),
        ("focus=teacher&focus=headteacher", {"mentor", "headship"}),
        ("phase=primary", {"mentor", "middle"}),
        ("phase=special&phase=post-16", {"headship", "executive"}),
        ("region=london", {"mentor", "middle", "headship"}),
        ("region=north-east&region=yorkshire-humber", {"network", "executive"}),
        ("provider_type=university", {"curriculum", "executive"}),
        ("provider_type=charity&provider_type=mat", {"mentor", "middle", "network", "headship"}),
        ("format=coaching", {"mentor", "headship"}),
        ("mode=online", {"curriculum", "network"}),
        ("funding=self-funded", {"curriculum", "middle"}),
        ("funding=bursary&funding=dfe-funded", {"mentor", "middle"}),
        ("free=true", {"mentor"}),
        ("max_cost=450", {"mentor", "curriculum", "network", "executive"}),
        ("min_cost=450", {"curriculum", "middle", "headship", "executive"}),
        ("min_cost=300&max_cost=449.99", {"network"}),
        ("min_band=1", {"mentor"}),
        ("min_band=2", {"mentor", "curriculum", "executive"}),
        ("min_band=3", {"mentor", "curriculum", "middle", "executive"}),
        ("rated=true", {"mentor", "curriculum", "middle", "executive"}),
        ("element=governance&element_min=2", {"mentor", "middle", "executive"}),
        ("element=purpose&element_min=2", {"mentor", "curriculum", "executive"}),
        ("element=governance&element_min=1", {"mentor"}),
        ("q=coaching", {"headship"}),
    ],
)
def test_every_filter_alone_keeps_exactly_the_matching_programmes(client, catalogue, query, expected):
    assert shown(client, query) == {getattr(catalogue, name).title for name in expected}


def test_filters_combine_across_groups_with_and_and_within_a_group_with_or(client, catalogue):
    assert shown(client, "region=london&format=course") == {catalogue.middle.title}
    assert shown(client, "region=london&region=north-west&mode=online&min_band=2") == {catalogue.curriculum.title}
    assert shown(client, "phase=secondary&provider_type=charity&max_cost=500&q=network") == {catalogue.network.title}
    assert shown(client, "focus=middle-leader&rated=true&element=governance&element_min=2") == {catalogue.middle.title}
    assert shown(client, "free=true&region=north-west") == set()


def test_each_facet_counts_options_with_the_other_filters_applied(client, catalogue):
    response = client.get("/programmes/?region=london&format=course")

    # Region ignores the region filter itself, but applies "course": curriculum (NW) and middle (London).
    assert facet(response, "region")["london"] == 1
    assert facet(response, "region")["north-west"] == 1
    assert facet(response, "region")["north-east"] == 0
    # Format ignores "course", applies London: mentor and headship coach, middle is a course.
    assert facet(response, "format") == {
        "course": 1, "coaching": 2, "jpd": 0, "qualification": 0, "network": 0, "conference": 0,
    }  # fmt: skip
    # Other facets apply both filters: only "Middle leaders programme" remains.
    assert facet(response, "focus")["middle-leader"] == 1
    assert facet(response, "min_band") == {"1": 0, "2": 0, "3": 1, "4": 1}
    assert facet(response, "rated") == {"1": 1}
    assert facet(response, "funding")["bursary"] == 1
    assert response.context["directory"].total == 1


def test_facet_counts_without_filters_count_the_whole_directory(client, catalogue):
    response = client.get("/programmes/")

    assert facet(response, "region")["london"] == 3
    assert facet(response, "phase")["secondary"] == 3
    assert facet(response, "provider_type") == {
        "mat": 2, "hub": 0, "local-authority": 0, "diocese": 0, "university": 2, "charity": 2, "company": 0,
        "school": 0, "association": 0, "system-leader": 0,
    }  # fmt: skip
    assert facet(response, "free") == {"1": 1}
    assert facet(response, "min_band") == {"1": 1, "2": 3, "3": 4, "4": 4}


def test_a_search_narrows_every_facet(client, catalogue):
    response = client.get("/programmes/?q=leadership")

    assert set(titles(response)) == {catalogue.curriculum.title, catalogue.executive.title}
    assert facet(response, "provider_type")["university"] == 2
    assert facet(response, "region")["london"] == 0


def test_selected_filters_show_as_tags_that_remove_just_that_filter(client, catalogue):
    response = client.get("/programmes/?region=london&region=north-west&min_band=2&page=2")

    groups = {group.heading: group.tags for group in response.context["tags"]}
    assert [tag.label for tag in groups["Region"]] == ["North West", "London"] or [
        tag.label for tag in groups["Region"]
    ] == ["London", "North West"]
    london = next(tag for tag in groups["Region"] if tag.label == "London")
    assert "region=north-west" in london.remove_query and "region=london" not in london.remove_query
    assert "page" not in london.remove_query
    assert groups["Rating at least"][0].label == "At least Secure"
    assert 'class="moj-filter__tag"' in response.content.decode()


def test_an_empty_result_suggests_which_filter_to_relax(client, catalogue):
    response = client.get("/programmes/?free=true&region=north-west")

    assert response.context["directory"].total == 0
    relaxations = {item.label: item.count for item in response.context["directory"].relaxations}
    assert relaxations == {"Free only": 1, "Region": 1}
    page = response.content.decode()
    assert "No programmes match" in page and "Remove “Free only”" in page


def test_the_url_holds_the_whole_state_so_the_form_shows_it_again(client, catalogue):
    page = client.get("/programmes/?q=coaching&region=london&sort=cost&max_cost=900").content.decode()

    assert 'value="coaching"' in page
    assert 'value="london" checked' in page
    assert '<option value="cost" selected>' in page
    assert 'value="900"' in page
