import pytest

from tests.directory.conftest import facet
from tests.factories import make_provider

pytestmark = pytest.mark.django_db


def names(response) -> set[str]:
    return {provider.name for provider in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Northgate Learning Trust", "University of Fenbury", "Kite Education Charity"}),
        ("provider_type=university", {"University of Fenbury"}),
        ("region=london&region=north-east", {"Northgate Learning Trust", "Kite Education Charity"}),
        ("phase=secondary", {"University of Fenbury", "Kite Education Charity"}),
        ("min_band=2", {"Northgate Learning Trust", "University of Fenbury"}),
        ("rated=on", {"Northgate Learning Trust", "University of Fenbury"}),
        ("q=fenbury", {"University of Fenbury"}),
        ("phase=secondary&min_band=2", {"University of Fenbury"}),
    ],
)
def test_the_provider_directory_filters(client, catalogue, query, expected):
    response = client.get(f"/providers/?{query}")
    assert response.status_code == 200
    assert names(response) == expected


def test_provider_facets_count_with_the_other_filters_applied(client, catalogue):
    response = client.get("/providers/?phase=secondary&provider_type=charity")

    assert facet(response, "provider_type")["university"] == 1  # phase applied, type not
    assert facet(response, "provider_type")["charity"] == 1
    assert facet(response, "phase")["post-16"] == 1 and facet(response, "phase")["primary"] == 0
    assert facet(response, "min_band") == {"1": 0, "2": 0, "3": 0, "4": 0}
    assert response.context["directory"].total == 1


def test_providers_sort_by_name_or_rating(client, catalogue):
    by_name = client.get("/providers/?sort=name").context["page"].object_list
    assert [provider.slug for provider in by_name] == ["kite", "northgate", "fenbury"]
    best = client.get("/providers/?sort=best").context["page"].object_list
    assert [provider.slug for provider in best] == ["northgate", "fenbury", "kite"]


@pytest.mark.parametrize("query", ["page=abc", "region=Atlantis", "min_band=x", "sort=zzz", "rated=maybe"])
def test_malformed_provider_parameters_are_answered_without_a_server_error(client, catalogue, query):
    assert client.get(f"/providers/?{query}").status_code == 200


def test_the_provider_directory_issues_constant_queries_whatever_the_page_size(
    client, catalogue, django_assert_max_num_queries
):
    for _ in range(40):
        make_provider()
    # The change version (the page's ETag), bands, the facet pass, one page of providers with ratings.
    with django_assert_max_num_queries(4):
        response = client.get("/providers/")
    assert len(response.context["page"].object_list) == 20


def test_the_provider_page_shows_its_profile_rating_and_programmes(client, catalogue):
    page = client.get("/providers/northgate/").content.decode()

    assert "Northgate Learning Trust" in page and "Multi-academy trust (MAT)" in page
    assert "Secure" in page and "2 rated programmes" in page
    assert catalogue.mentor.title in page and catalogue.middle.title in page
    assert catalogue.draft.title not in page
    assert "Withdrawn programmes" in page and catalogue.withdrawn.title in page
    assert "/providers/northgate/badge.svg" in page


def test_an_unknown_provider_is_not_found(client, db):
    assert client.get("/providers/nobody/").status_code == 404
