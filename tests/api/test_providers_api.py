import pytest
from django.test import Client

from programmes.vocabulary import ProgrammeStatus
from tests.factories import make_programme, make_provider, make_provider_rating

pytestmark = pytest.mark.django_db


def test_the_provider_list_shows_every_provider_by_name_with_its_rating(anonymous):
    rated = make_provider(name="Alder Teaching School Hub", provider_type="hub", regions=["north-west"])
    make_provider(name="Birch Diocese", provider_type="diocese")
    make_provider_rating(rated, band_rank=1, rated_programmes=3, review_count=7, shown_score=3.6)

    body = anonymous.get("/api/v1/providers/").json()

    assert [provider["name"] for provider in body["results"]] == ["Alder Teaching School Hub", "Birch Diocese"]
    first, second = body["results"]
    assert (first["provider_type"], first["regions"]) == ("hub", ["north-west"])
    assert first["rating"]["band"] == "Exemplary" and first["rating"]["rated_programmes"] == 3
    assert second["rating"] is None


def test_a_provider_page_and_its_published_programmes(anonymous, provider):
    make_programme(provider, title="B published")
    make_programme(provider, title="A published")
    make_programme(provider, title="Draft", status=ProgrammeStatus.DRAFT)

    detail = anonymous.get(f"/api/v1/providers/{provider.slug}/")
    programmes = anonymous.get(f"/api/v1/providers/{provider.slug}/programmes/")

    assert detail.json()["name"] == "Northgate Learning Trust"
    assert [p["title"] for p in programmes.json()["results"]] == ["A published", "B published"]
    assert programmes.json()["count"] == 2


def test_an_unknown_provider_is_not_found(anonymous):
    assert anonymous.get("/api/v1/providers/no-such-provider/").status_code == 404
    assert anonymous.get("/api/v1/providers/no-such-provider/programmes/").status_code == 404


def test_the_provider_list_takes_a_fixed_number_of_queries(anonymous, django_assert_max_num_queries):
    for _ in range(12):
        make_provider()

    with django_assert_max_num_queries(3):
        assert anonymous.get("/api/v1/providers/").status_code == 200


PROVIDER_PARAMETER_SETS = [
    {},
    {"sort": "best"},
    {"provider_type": ["hub", "charity"]},
    {"region": ["north-west"], "phase": ["secondary"]},
    {"min_band": "2"},
    {"rated": "true", "sort": "most-rated"},
    {"q": "trust"},
    {"page": "2"},
]


@pytest.fixture
def many_providers(framework):
    kinds = ["mat", "hub", "charity", "university", "diocese"]
    regions = ["north-west", "london", "south-east"]
    phases = ["primary", "secondary"]
    for number in range(27):
        provider = make_provider(
            name=f"{'Trust' if number % 3 == 0 else 'Centre'} {number:02}",
            provider_type=kinds[number % 5],
            regions=[regions[number % 3]],
            phases=[phases[number % 2]],
        )
        if number % 2 == 0:
            make_provider_rating(
                provider, band_rank=number % 4 + 1, rated_programmes=number % 4 + 1, review_count=number,
                shown_score=1.5 + number / 20,
            )  # fmt: skip


@pytest.mark.parametrize("params", PROVIDER_PARAMETER_SETS, ids=[repr(p) for p in PROVIDER_PARAMETER_SETS])
def test_the_api_and_the_web_provider_directory_give_the_same_results(many_providers, anonymous, params):
    web = Client().get("/providers/", params).context["directory"]

    body = anonymous.get("/api/v1/providers/", params).json()

    assert body["count"] == web.total
    assert [provider["slug"] for provider in body["results"]] == [provider.slug for provider in web.page.object_list]
    assert body["facets"]["provider_type"] == [
        {"value": option.value, "label": option.label, "count": option.count, "selected": option.selected}
        for option in web.facets["provider_type"]
    ]


def test_an_invalid_provider_filter_is_a_400(anonymous):
    response = anonymous.get("/api/v1/providers/", {"provider_type": "spaceship"})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"provider_type"}
