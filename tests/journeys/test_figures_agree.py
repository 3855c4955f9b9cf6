"""A shown figure never contradicts its band; a chart and its table show the same figures; money reads £2,980."""

import re
from decimal import Decimal

import pytest

from qaportal.display import money, score_figure
from ratings.engine import recompute_all
from summaries.charts import distinct_abbreviations
from tests.directory.conftest import rate
from tests.factories import make_programme, make_review, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "shown"), [(2.7483, "2.74"), (2.75, "2.75"), (2.125, "2.12"), (2.135, "2.13"), (4.0, "4.00"), (1, "1.00")]
)
def test_a_score_is_shown_rounded_down_so_it_never_reaches_a_band_it_did_not(value, shown):
    assert score_figure(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"), [(Decimal("2980.00"), "£2,980"), (Decimal("450.50"), "£450.50"), (Decimal("0"), "Free")]
)
def test_money_reads_the_same_everywhere(value, shown):
    assert money(value) == shown


def test_a_score_just_below_a_band_is_not_shown_as_that_bands_threshold(client, provider):
    programme = make_programme(provider, title="Gap programme", cost_per_participant=Decimal("2980.00"))
    rate(programme, 3, 2.7483, 3)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "2.74 out of 4" in page and "2.75 out of 4" not in page
    assert "Raw overall 2.74 is at least" in page and "below 2.75 (Secure)" in page
    assert "£2,980" in page and "£2980.00" not in page
    listing = client.get("/programmes/").content.decode()
    assert "score 2.74 from 3 reviews" in listing


def test_the_element_chart_and_its_table_show_the_same_figures(client, provider):
    programme = make_programme(provider, title="Charted programme")
    reviewers = [make_user(f"reviewer-{n}", role="reviewer") for n in range(3)]
    for reviewer, scores in zip(reviewers, [{"P1": 2, "G1": 4}, {"P1": 3, "G2": 1}, {"P2": 4, "V1": 2}], strict=True):
        make_review(programme, reviewer, scores=scores)
    recompute_all()  # element scores are read from the stored rating
    page = client.get(programme.get_absolute_url()).content.decode()
    chart = re.findall(r'class="app-chart__value">([^<]+)</text>', page)
    table = re.search(r"<caption[^>]*>Element scores</caption>.*?</table>", page, re.S).group(0)
    table_figures = re.findall(r'govuk-table__cell--numeric">(\d\.\d\d)</td></tr>', table)
    assert len(chart) == 5 and chart == table_figures


def test_summary_charts_label_purpose_and_process_distinctly():
    assert distinct_abbreviations({"purpose": "Purpose", "process": "Process", "value": "Value"}) == {
        "purpose": "Pur",
        "process": "Pro",
        "value": "Val",
    }
