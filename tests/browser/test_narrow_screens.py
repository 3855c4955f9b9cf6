"""Pages at the narrowest width WCAG reflow asks for (320 CSS px), found by the accessibility sweep."""

import pytest

from programmes.vocabulary import ProgrammeStatus
from reviews.models import ReviewState
from tests import factories
from tests.browser.conftest import axe_violations, sign_in
from tests.summaries.conftest import make_small_register
from tests.workflow.conftest import add_evidence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALL_WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def sideways_scroll(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def right_edge_of(page, selector: str) -> float:
    found = page.locator(selector).bounding_box()
    return found["x"] + found["width"]


def test_a_single_checkbox_hint_stays_on_a_320_px_phone_screen(page, reviewer, provider):
    programme = add_evidence(factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW, title="Phonics"))
    review = factories.make_review(programme, reviewer, state=ReviewState.ASSIGNED, scores=None)
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, "reviewer-rob")
    page.goto(f"/reviewer/reviews/{review.id}/submit/")
    hint = "#id_no_conflict_confirmed-hint"
    assert page.locator(hint).inner_text() == "If you do, declare it instead of submitting."
    assert right_edge_of(page, hint) <= 320
    assert sideways_scroll(page) <= 0
    described_by = page.get_by_label("I confirm I have no conflict of interest").get_attribute("aria-describedby")
    assert "id_no_conflict_confirmed-hint" in described_by.split()
    assert axe_violations(page) == []


def test_the_review_queue_filters_stay_on_a_320_px_phone_screen(page, convenor):
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, "convenor-cat")
    page.goto("/convenor/")
    provider_type = page.get_by_label("Provider type")
    provider_type.select_option(label="Individual system leader (SLE, NLE)")
    assert right_edge_of(page, "#id_provider_type") <= 320
    assert sideways_scroll(page) <= 0
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_label("Provider type").input_value() == "system-leader"
    assert sideways_scroll(page) <= 0
    assert axe_violations(page) == []


def test_the_summaries_band_table_fits_a_320_px_phone_screen(page, convenor, reviewer, other_reviewer):
    make_small_register(reviewer, other_reviewer)
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, "convenor-cat")
    page.goto("/convenor/summaries/")
    bands = page.get_by_role("table", name="Programmes in the selection, by rating band")
    assert bands.get_by_role("rowheader", name="Developing").is_visible()
    assert right_edge_of(page, "table:has(caption:text('by rating band'))") <= 320
    assert sideways_scroll(page) <= 0
    assert axe_violations(page) == []
