"""The web pages filter, count and order through the in-memory snapshot; the API through the
FilterSet's queryset. On random data and random parameters both must give the same answers."""

import random
from decimal import Decimal

import pytest
from django.db.models import BooleanField, Q
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programmes.directory_filters import DIRECTORY_FILTERS, DirectoryFilter
from programmes.filters import ProgrammeFilter
from programmes.models import Programme
from programmes.search import refresh_search_vectors
from programmes.selectors import programme_directory
from programmes.vocabulary import ProgrammeStatus
from ratings.models import RatingValidity
from tests.directory.conftest import rate
from tests.factories import make_programme, make_provider

pytestmark = pytest.mark.django_db

WORDS = ["mentor", "coaching", "leadership", "reading", "curriculum", "governance", "maths", "inclusion"]


def _some(rng, choices, most=3):
    return rng.sample(list(choices), rng.randint(1, min(most, len(choices))))


def range_points(spec: DirectoryFilter) -> list[int]:
    """Values (in the snapshot's units) a range's random data and bounds are drawn from: ties at
    zero, at a bound and one unit either side of it."""
    unit = max(1, int(min(spec.most, Decimal(300)) * spec.scale))
    return [0, 1, unit - 1, unit, unit + 1, 4 * unit]


def random_value(rng, spec: DirectoryFilter, codes: list[str]):
    """A random value of the field a directory filter reads; None for one another filter's data or the
    ratings make (a checkbox over the cost or the rating)."""
    if spec.kind == "choice":
        return rng.choice(spec.vocabulary.values)
    if spec.kind == "multi-choice":
        return _some(rng, spec.vocabulary.values) if rng.random() < 0.8 else []
    if spec.kind == "list":
        return sorted(_some(rng, codes, 4)) if codes and rng.random() < 0.7 else []
    if spec.kind == "range":
        return Decimal(rng.choice(range_points(spec))) / spec.scale
    field = Programme._meta.get_field(spec.path) if "__" not in spec.path else None
    return rng.random() < 0.5 if isinstance(field, BooleanField) else None


def random_fields(rng, owner: str, codes: list[str]) -> dict:
    """Random values for every directory filter's field on the programme ("") or its provider."""
    fields = {}
    for spec in DIRECTORY_FILTERS:
        prefix, _, name = spec.path.rpartition("__")
        value = random_value(rng, spec, codes)
        if prefix == owner and value is not None and name not in fields:
            fields[name] = value
    return fields


def register_codes() -> list[str]:
    """The local authorities the random register's programmes are delivered in (the list filter's data)."""
    spec = next(spec for spec in DIRECTORY_FILTERS if spec.kind == "list")
    codes = [code for code, _ in spec.choices()][:12] if spec.choices else []
    assert codes, "the local authorities (loaded by a migration) are what the list filter's data is drawn from"
    return codes


@pytest.fixture
def random_register(db) -> None:
    """70 programmes with random values of every filter's field, ratings and expiries."""
    rng = random.Random(20261122)
    codes = register_codes()
    providers = [make_provider(**random_fields(rng, "provider", codes)) for _ in range(6)]
    for number in range(70):
        programme = make_programme(
            rng.choice(providers),
            title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {number}",
            summary=" ".join(rng.choices(WORDS, k=4)),
            status=ProgrammeStatus.PUBLISHED if rng.random() < 0.9 else ProgrammeStatus.DRAFT,
            **random_fields(rng, "", codes),
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


def filter_parameters(spec: DirectoryFilter, codes: list[str]) -> dict:
    """Random values of a directory filter's URL parameters."""
    if spec.kind in ("choice", "multi-choice"):
        return {spec.name: st.lists(st.sampled_from(spec.vocabulary.values), max_size=2)}
    if spec.kind == "list":
        return {spec.name: st.lists(st.sampled_from(codes), max_size=2)} if codes else {}
    if spec.kind == "boolean":
        return {spec.name: st.just("true")}
    # Each point, and half a unit past it (rounded inward, as the filter rounds it).
    bounds = [str(Decimal(2 * point + half) / (2 * spec.scale)) for point in range_points(spec) for half in (0, 1)]
    return {name: st.sampled_from(bounds) for name in spec.parameters}


def directory_parameters(codes: list[str]):
    return st.fixed_dictionaries(
        {},
        optional={
            "q": st.sampled_from([*WORDS, "mentoring leaders", '"coaching mentor"', "reading -maths", "zzz"]),
            **{name: value for spec in DIRECTORY_FILTERS for name, value in filter_parameters(spec, codes).items()},
            "min_band": st.sampled_from(["1", "2", "3", "4"]),
            "element": st.sampled_from(["governance", "value"]),
            "element_min": st.sampled_from(["1", "2", "3", "4"]),
            "sort": st.sampled_from(["relevance", "best", "most-reviewed", "newest", "cost", "title"]),
        },
    )


# Deferred: the codes are data, read (once) when the first example is drawn, inside a test.
parameters = st.deferred(lambda: directory_parameters(register_codes()))


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
