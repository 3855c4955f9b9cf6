import datetime
import statistics

import pytest

from summaries.filters import summary_filterset
from summaries.selectors import summary_tables

pytestmark = pytest.mark.django_db


def tables_for(data=None):
    filterset = summary_filterset(data or {})
    assert filterset.is_valid(), filterset.errors
    return summary_tables(scope=filterset.scope())


def find(stats, dimension, group, item):
    (found,) = [s for s in stats if s.dimension == dimension and s.group == group and s.item == item]
    return found


def test_programmes_are_counted_by_band_with_empty_bands_kept(register):
    tables = tables_for()

    counts = {band.band: (band.programmes, band.share) for band in tables.bands}

    assert counts == {
        "Exemplary": (1, 33.3),
        "Secure": (1, 33.3),
        "Developing": (0, 0.0),
        "Limited": (0, 0.0),
        "Not yet rated": (1, 33.3),
    }
    assert tables.programme_count == 3
    assert tables.rated_count == 2


def test_element_scores_are_the_mean_and_spread_of_rated_programmes(register):
    stats = tables_for().element_statistics

    purpose = find(stats, "all", "", "purpose")
    value_for_hubs = find(stats, "provider_type", "hub", "value")

    # The unrated programme (purpose 1) is left out: only rated programmes count.
    assert (purpose.n, purpose.mean, purpose.sd) == (2, 3.25, round(statistics.stdev([3.5, 3.0]), 3))
    assert (value_for_hubs.n, value_for_hubs.mean, value_for_hubs.sd) == (1, 4.0, None)


def test_by_region_a_programme_counts_in_each_of_its_regions(register):
    stats = tables_for().element_statistics

    assert find(stats, "region", "london", "purpose").mean == 3.5
    assert find(stats, "region", "south-east", "purpose").mean == 3.5
    assert find(stats, "region", "north-east", "purpose").mean == 3.0
    assert not [s for s in stats if s.dimension == "region" and s.group == "east-midlands"]


def test_criterion_scores_count_every_published_reviewers_score(register):
    stats = tables_for().criterion_statistics

    p1 = find(stats, "all", "", "P1")
    p1_for_trusts = find(stats, "provider_type", "mat", "P1")
    p2_middle_leaders = find(stats, "focus_level", "middle-leader", "P2")

    scores = [4, 2, 3, 3, 1]  # trust 4 and 2, hub 3 and 3, the unrated programme's single 1
    assert (p1.n, p1.mean, p1.sd) == (5, 2.6, round(statistics.stdev(scores), 3))
    # Unrated "Subject leadership" is also a MAT programme, so its 1 counts here.
    assert (p1_for_trusts.n, p1_for_trusts.mean) == (3, round((4 + 2 + 1) / 3, 3))
    assert (p2_middle_leaders.n, p2_middle_leaders.mean) == (3, round((3 + 3 + 1) / 3, 3))


def test_the_weakest_and_strongest_criteria_come_from_the_whole_selection(register):
    tables = tables_for({"provider_type": ["hub"]})
    assert {s.mean for s in tables.weakest_criteria} == {3.0}

    tables = tables_for()
    assert tables.strongest_criteria[0].item == "V4"
    assert tables.strongest_criteria[0].mean == 2.8
    assert len(tables.weakest_criteria) == 5
    assert tables.weakest_criteria[0].mean <= tables.weakest_criteria[-1].mean


def test_reviews_are_counted_by_month(register):
    months = [(m.month, m.reviews) for m in tables_for().reviews_by_month]

    assert months == [
        (datetime.date(2026, 1, 1), 1),
        (datetime.date(2026, 2, 1), 3),
        (datetime.date(2026, 3, 1), 1),
    ]


def test_a_date_range_restricts_the_review_figures(register):
    tables = tables_for({"reviewed_from": ["2026-02-01"], "reviewed_to": ["2026-02-28"]})

    assert [(m.month, m.reviews) for m in tables.reviews_by_month] == [(datetime.date(2026, 2, 1), 3)]
    assert find(tables.criterion_statistics, "all", "", "P1").n == 3


def test_the_summary_tables_take_a_fixed_number_of_queries(register, django_assert_max_num_queries):
    # 21 since reviewer agreement comes from the ratings engine's measure, over the framework's own levels
    with django_assert_max_num_queries(21):
        tables_for()


def test_a_published_review_without_a_publication_time_is_left_out_of_the_months(register):
    from reviews.models import Review, ReviewState

    before = tables_for().reviews_by_month
    Review.objects.filter(state=ReviewState.PUBLISHED).update(published_at=None)
    assert tables_for().reviews_by_month == []
    assert before  # the register fixture's reviews did have months
