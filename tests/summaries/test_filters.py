import datetime

import pytest

from providers.vocabulary import Region
from summaries.filters import summary_filterset

pytestmark = pytest.mark.django_db


def test_no_filters_mean_the_published_register(register):
    filterset = summary_filterset({})

    assert filterset.is_valid()
    titles = set(filterset.scope().programmes.values_list("title", flat=True))
    assert titles == {"Middle leaders' coaching", "Headship in practice", "Subject leadership"}


def test_a_region_filter_keeps_programmes_delivered_in_any_of_the_regions(register):
    filterset = summary_filterset({"region": [Region.SOUTH_EAST, Region.NORTH_EAST]})

    titles = set(filterset.scope().programmes.values_list("title", flat=True))

    assert titles == {"Middle leaders' coaching", "Headship in practice"}


def test_choosing_statuses_can_include_drafts(register):
    filterset = summary_filterset({"status": ["draft", "published"]})

    assert filterset.scope().programmes.count() == 4


def test_a_date_range_keeps_programmes_with_a_review_published_in_it(register):
    filterset = summary_filterset({"reviewed_from": ["11/2/2026"], "reviewed_to": ["2026-02-28"]})

    scope = filterset.scope()

    assert scope.reviewed_from == datetime.date(2026, 2, 11)
    assert set(scope.programmes.values_list("title", flat=True)) == {"Headship in practice"}
    assert scope.published_reviews().count() == 2


def test_a_date_that_is_not_a_date_gets_a_specific_error(framework):
    filterset = summary_filterset({"reviewed_from": ["31/2/2026"]})

    assert not filterset.is_valid()
    assert filterset.errors["reviewed_from"] == ["Enter the start date as a real date, for example 1/9/2026"]


def test_an_end_date_before_the_start_date_is_refused(framework):
    filterset = summary_filterset({"reviewed_from": ["2026-03-01"], "reviewed_to": ["2026-02-01"]})

    assert not filterset.is_valid()
    assert filterset.errors["reviewed_to"] == ["The end date must be the same as or after the start date"]


def test_an_unknown_region_gets_a_clear_error(framework):
    filterset = summary_filterset({"region": ["atlantis"]})

    assert not filterset.is_valid()
    assert filterset.errors["region"] == ["Choose regions from the list"]


def test_an_unknown_framework_gets_a_clear_error(framework):
    filterset = summary_filterset({"framework": ["999999"]})

    assert not filterset.is_valid()
    assert filterset.errors["framework"] == ["Choose a framework version from the list"]


def test_normalised_filters_rebuild_the_same_scope(register):
    filterset = summary_filterset({"region": ["london"], "provider_type": ["mat"], "reviewed_from": ["15/1/2026"]})
    assert filterset.is_valid()

    stored = filterset.normalised()
    rebuilt = summary_filterset(stored)

    assert stored == {"region": ["london"], "provider_type": ["mat"], "reviewed_from": ["2026-01-15"]}
    assert rebuilt.is_valid()
    assert list(rebuilt.scope().programmes.values_list("pk", flat=True).order_by("pk")) == list(
        filterset.scope().programmes.values_list("pk", flat=True).order_by("pk")
    )


def test_the_description_names_every_filter_in_use(register):
    filterset = summary_filterset({"region": ["london"], "reviewed_to": ["2026-02-28"]})
    filterset.is_valid()

    described = dict(filterset.description())

    assert described["Region"] == "London"
    assert described["Programme status"] == "Published (the register)"
    assert described["Framework version"].endswith("v1")
    assert described["Reviews published"] == "from the first review to 28 February 2026"
