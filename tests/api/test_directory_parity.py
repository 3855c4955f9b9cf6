"""The API's programme list is the web directory: for the same parameters, the same programmes in
the same order, the same total and the same facet counts."""

import random
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from programmes.search import refresh_search_vectors
from programmes.vocabulary import DeliveryMode, FocusLevel, Format, FundingRoute
from providers.vocabulary import Phase, ProviderType, Region
from ratings.models import ProgrammeRating, RatingValidity
from tests.factories import live_framework, make_programme, make_provider

pytestmark = pytest.mark.django_db
BANDS = {1: ("Exemplary", 3.6), 2: ("Secure", 3.0), 3: ("Developing", 2.3), 4: ("Limited", 1.5)}
WORDS = ["mathematics", "reading", "coaching", "leadership", "behaviour", "curriculum", "science", "wellbeing"]

PARAMETER_SETS = [
    {},
    {"sort": "title"},
    {"sort": "cost", "page": "2"},
    {"sort": "newest", "page_size": "7", "page": "3"},
    {"focus": ["teacher", "headteacher"]},
    {"phase": ["secondary"], "region": ["london", "north-west"]},
    {"provider_type": ["mat", "charity"], "mode": ["online"]},
    {"format": ["coaching"], "funding": ["bursary"]},
    {"free": "true"},
    {"min_cost": "100", "max_cost": "600", "sort": "cost"},
    {"min_band": "2"},
    {"min_band": "9"},  # past the worst band: the worst band
    {"rated": "on", "sort": "most-reviewed"},
    {"hide_expired": "on"},
    {"hide_expired": "on", "min_band": "3", "sort": "best"},
    {"element": "governance", "element_min": "2"},
    {"q": "mathematics"},
    {"q": "coaching leadership", "sort": "relevance"},
    {"q": "reading", "focus": ["teacher"], "sort": "best"},
    {"q": "nothing-matches-this"},
    {"la": ["E09000007"]},
    {"la": ["E09000007", "E08000003", "E06000023"], "sort": "cost"},
    {"la": ["E08000003"], "region": ["north-west"], "mode": ["blended"]},
    {"la": ["E09000007"], "q": "leadership"},
]
# A few authorities per region, for the face-to-face and blended programmes of the parity data.
AUTHORITIES = {
    Region.LONDON: ["E09000007", "E09000012", "E09000033"], Region.NORTH_WEST: ["E08000003", "E08000012"],
    Region.SOUTH_WEST: ["E06000023", "E06000052"], Region.NORTH_EAST: ["E08000021"],
    Region.YORKSHIRE: ["E08000035", "E08000016"], Region.EAST_MIDLANDS: ["E06000018"],
    Region.WEST_MIDLANDS: ["E08000025"], Region.EAST: ["E10000020"], Region.SOUTH_EAST: ["E10000016", "E06000045"],
}  # fmt: skip


@pytest.fixture
def varied_register(framework):
    rng = random.Random(20261122)
    providers = [
        make_provider(provider_type=kind, regions=[rng.choice(list(Region))], phases=[rng.choice(list(Phase))])
        for kind in (ProviderType.MAT, ProviderType.CHARITY, ProviderType.UNIVERSITY, ProviderType.HUB)
    ]
    programmes = []
    for number in range(45):
        words = rng.sample(WORDS, 2)
        regions = rng.sample(list(Region), rng.randint(1, 3))
        mode = rng.choice(list(DeliveryMode))
        nearby = [code for region in regions for code in AUTHORITIES[region]]
        in_person = mode != DeliveryMode.ONLINE
        programme = make_programme(
            rng.choice(providers),
            title=f"{words[0].title()} and {words[1]} {number}",
            summary=f"A programme on {words[0]} and {words[1]}.",
            focus_level=rng.choice(list(FocusLevel)),
            phases=rng.sample(list(Phase), rng.randint(1, 3)),
            regions=regions,
            format=rng.choice(list(Format)),
            delivery_mode=mode,
            local_authorities=sorted(rng.sample(nearby, rng.randint(1, len(nearby)))) if in_person else [],
            funding_routes=rng.sample(list(FundingRoute), rng.randint(0, 2)),
            cost_per_participant=Decimal(rng.choice([0, 0, 95, 250, 450, 600, 1200])),
            published_at=timezone.now() - timezone.timedelta(days=rng.randint(1, 400)),
        )
        programmes.append(programme)
        if rng.random() < 0.7:
            rank = rng.randint(1, 4)
            band, score = BANDS[rank]
            ProgrammeRating.objects.create(
                programme=programme, framework=live_framework(), review_count=rng.randint(2, 6), raw_mean=score,
                shown_score=score + rng.random() / 10, band=band, band_rank=rank,
                score_governance=rng.choice([1.5, 2.2, 2.9, 3.7]), score_purpose=3.0, score_process=3.0,
                score_definitions=3.0, score_value=3.0, computed_at=timezone.now(),
            )  # fmt: skip
            expired = rng.random() < 0.3
            RatingValidity.objects.create(
                programme=programme, valid_from=timezone.now() - timezone.timedelta(days=1200),
                expires_at=timezone.now() + timezone.timedelta(days=-5 if expired else 100),
                expired_at=timezone.now() if expired else None,
            )  # fmt: skip
    refresh_search_vectors(programme_ids=[programme.id for programme in programmes])
    return programmes


def web_directory(params: dict):
    response = Client().get("/programmes/", params)
    assert response.status_code == 200
    directory = response.context["directory"]
    slugs = [programme.slug for programme in directory.page.object_list]
    facets = {
        name: [(option.value, option.count, option.selected) for option in options]
        for name, options in directory.facets.items()
    }
    return directory.total, slugs, facets


@pytest.mark.parametrize("params", PARAMETER_SETS, ids=[repr(params) for params in PARAMETER_SETS])
def test_the_api_and_the_web_directory_give_the_same_results(varied_register, anonymous, params):
    web_params = {**params, "per_page": params.get("page_size", "20")}
    if web_params["per_page"] not in ("20", "50", "100"):
        # The web pages offer 20, 50 or 100 a page; compare the same window of results instead.
        web_params = {key: value for key, value in params.items() if key not in ("page", "page_size")}
        web_params["per_page"] = "100"
    web_total, web_slugs, web_facets = web_directory(web_params)

    response = anonymous.get("/api/v1/programmes/", params)

    assert response.status_code == 200
    body = response.json()
    api_slugs = [programme["slug"] for programme in body["results"]]
    if web_params.get("per_page") == "100" and "page_size" in params:
        size, page = int(params["page_size"]), int(params.get("page", 1))
        web_slugs = web_slugs[(page - 1) * size : page * size]
    assert body["count"] == web_total
    assert api_slugs == web_slugs
    api_facets = {
        name: [(option["value"], option["count"], option["selected"]) for option in options]
        for name, options in body["facets"].items()
    }
    assert api_facets == web_facets


def test_the_parity_data_exercises_every_filter(varied_register, anonymous):
    """Guard against a parity test that compares empty lists: most parameter sets match something."""
    counts = [anonymous.get("/api/v1/programmes/", params).json()["count"] for params in PARAMETER_SETS]

    assert sum(count > 0 for count in counts) >= len(PARAMETER_SETS) - 3
    assert counts[0] == 45


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"focus": ["astronaut"]}, "focus"),
        ({"min_cost": "-5"}, "min_cost"),
        ({"max_cost": "1e400"}, "max_cost"),
        ({"min_band": "0"}, "min_band"),
        ({"element_min": "2"}, "element"),
        ({"sort": "random"}, "sort"),
        ({"q": "x" * 201}, "q"),
        ({"la": ["E99999999"]}, "la"),
    ],
)
def test_a_filter_value_the_web_page_would_ignore_is_a_400_in_the_api(varied_register, anonymous, params, field):
    response = anonymous.get("/api/v1/programmes/", params)

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Client().get("/programmes/", params).status_code == 200
