"""The web pages filter, count and order through the in-memory snapshot; the API through the
FilterSet's queryset. On random data and random parameters both must give the same answers."""

import random
from decimal import Decimal

import pytest
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programmes.filters import ProgrammeFilter
from programmes.models import Programme
from programmes.search import refresh_search_vectors
from programmes.selectors import programme_directory
from programmes.vocabulary import DeliveryMode, FocusLevel, Format, FundingRoute, ProgrammeStatus
from providers.vocabulary import Phase, ProviderType, Region
from ratings.models import RatingValidity
from tests.directory.conftest import rate
from tests.factories import make_programme, make_provider

pytestmark = pytest.mark.django_db

WORDS = ["mentor", "coaching", "leadership", "reading", "curriculum", "governance", "maths", "inclusion"]


def _some(rng, choices, most=3):
    return rng.sample(list(choices), rng.randint(1, most))


@pytest.fixture
def random_register(db):
    rng = random.Random(20261122)
    providers = [make_provider(provider_type=rng.choice(ProviderType.values)) for _ in range(6)]
    for number in range(70):
        programme = make_programme(
            rng.choice(providers),
            title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {number}",
            summary=" ".join(rng.choices(WORDS, k=4)),
            focus_level=rng.choice(FocusLevel.values),
            format=rng.choice(Format.values),
            delivery_mode=rng.choice(DeliveryMode.values),
            phases=_some(rng, Phase.values),
            regions=_some(rng, Region.values),
            funding_routes=_some(rng, FundingRoute.values) if rng.random() < 0.7 else [],
            cost_per_participant=Decimal(rng.choice([0, 0, 150, 299.99, 300, 450, 1200])),
            status=ProgrammeStatus.PUBLISHED if rng.random() < 0.9 else ProgrammeStatus.DRAFT,
        )
        if rng.random() < 0.75:
            band = rng.choice([1, 2, 3, 4, None])
            score = {1: 3.6, 2: 3.0, 3: 2.3, 4: 1.7, None: None}[band]
            rate(programme, band, score, rng.randint(1, 6), **{
                key: rng.choice([None, 1.5, 2.0, 2.75, 3.0, 3.5, 3.9])
                for key in ("purpose", "governance", "process", "definitions", "value")
            })  # fmt: skip
            if rng.random() < 0.5:
                now = timezone.now()
                expired = rng.random() < 0.5
                RatingValidity.objects.create(
                    programme=programme, valid_from=now, expires_at=now, expired_at=now if expired else None
                )
    refresh_search_vectors()


parameters = st.fixed_dictionaries(
    {},
    optional={
        "q": st.sampled_from([*WORDS, "mentoring leaders", '"coaching mentor"', "reading -maths", "zzz"]),
        "focus": st.lists(st.sampled_from(FocusLevel.values), max_size=2),
        "phase": st.lists(st.sampled_from(Phase.values), max_size=2),
        "region": st.lists(st.sampled_from(Region.values), max_size=3),
        "provider_type": st.lists(st.sampled_from(ProviderType.values), max_size=3),
        "format": st.lists(st.sampled_from(Format.values), max_size=2),
        "mode": st.lists(st.sampled_from(DeliveryMode.values), max_size=2),
        "funding": st.lists(st.sampled_from(FundingRoute.values), max_size=2),
        "free": st.just("true"),
        "rated": st.just("true"),
        "hide_expired": st.just("true"),
        "min_cost": st.sampled_from(["0", "150", "299.99", "300.001", "450"]),
        "max_cost": st.sampled_from(["0", "299.99", "300", "1200"]),
        "min_band": st.sampled_from(["1", "2", "3", "4"]),
        "element": st.sampled_from(["governance", "value"]),
        "element_min": st.sampled_from(["1", "2", "3", "4"]),
        "sort": st.sampled_from(["relevance", "best", "most-reviewed", "newest", "cost", "title"]),
    },
)


def as_query(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    return query


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=parameters)
def test_results_order_and_every_facet_count_match_the_database(random_register, params):
    query = as_query(params)
    directory = programme_directory(params=query, per_page=100)
    filterset = ProgrammeFilter(query)
    published = Programme.objects.filter(status=ProgrammeStatus.PUBLISHED)

    assert directory.results.ids() == list(filterset.filter_queryset(published).values_list("id", flat=True))

    conditions = filterset.conditions()
    for name in ProgrammeFilter.FACETS:
        others = Q()
        for other, condition in conditions.items():
            if other != name:
                others &= condition
        filter_ = filterset.filters[name]
        for option in directory.facets[name]:
            value = [option.value] if filter_.facet_kind in ("choice", "mask") else option.value
            expected = published.filter(others).filter(filter_.condition(value)).count()
            assert option.count == expected, (name, option.value)
