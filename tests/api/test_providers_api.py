import pytest
from django.utils import timezone

from programmes.vocabulary import ProgrammeStatus
from ratings.models import ProviderRating
from tests.factories import make_programme, make_provider

pytestmark = pytest.mark.django_db


def test_the_provider_list_shows_every_provider_by_name_with_its_rating(anonymous):
    rated = make_provider(name="Alder Teaching School Hub", provider_type="hub", regions=["north-west"])
    make_provider(name="Birch Diocese", provider_type="diocese")
    ProviderRating.objects.create(
        provider=rated,
        rated_programmes=3,
        review_count=7,
        shown_score=3.6,
        band="Exemplary",
        band_rank=1,
        computed_at=timezone.now(),
    )

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


def test_an_unknown_provider_is_not_found(anonymous):
    assert anonymous.get("/api/v1/providers/no-such-provider/").status_code == 404
    assert anonymous.get("/api/v1/providers/no-such-provider/programmes/").status_code == 404


def test_the_provider_list_takes_a_fixed_number_of_queries(anonymous, django_assert_max_num_queries):
    for _ in range(12):
        make_provider()

    with django_assert_max_num_queries(3):
        assert anonymous.get("/api/v1/providers/").status_code == 200
