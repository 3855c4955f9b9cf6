"""The directory and compare pages on a phone, a tablet, a desktop and at 200% zoom; with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_directory_pages import no_js_axe_violations
from tests.directory import conftest as directory_fixtures

catalogue = directory_fixtures.catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = [(375, 812), (768, 1024), (640, 400)]  # phone, tablet, 1280 x 800 at 200% zoom


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def overlaps(a, b) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"] or
                a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])  # fmt: skip


@pytest.mark.parametrize(("width", "height"), NARROW)
def test_below_desktop_the_filters_never_cover_the_results(page, catalogue, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/programmes/")
    toggle = page.get_by_role("button", name="Show filters")
    expect(toggle).to_be_visible()
    expect(page.locator("#filter-panel")).to_be_hidden()

    toggle.click()
    expect(page.locator("#filter-panel")).to_be_visible()
    assert page.locator("#filter-panel").evaluate("el => getComputedStyle(el).position") == "static"
    assert not overlaps(box(page, "#filter-panel"), box(page, "#results-count"))
    page.get_by_label("London").check()
    expect(page.locator("#results-count")).to_have_text("3 programmes")
    page.get_by_role("button", name="Show 3 results").click()
    expect(page.locator("#filter-panel")).to_be_hidden()
    expect(page.locator("#results-count")).to_be_focused()
    assert axe_violations(page) == []


def test_at_desktop_width_the_filters_sit_beside_the_results(page, catalogue):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/programmes/")
    expect(page.get_by_role("button", name="Show filters")).to_be_hidden()
    panel, results = box(page, "#filter-panel"), box(page, "#results-count")
    assert panel["x"] + panel["width"] <= results["x"]
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [375, 1280])
def test_without_javascript_the_filters_come_first_and_nothing_covers_the_results(no_js_page, page, catalogue, width):
    checker, page = page, no_js_page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/programmes/")
    expect(page.locator("#filter-panel")).to_be_visible()
    assert not overlaps(box(page, "#filter-panel"), box(page, "#results-count"))
    assert no_js_axe_violations(page, checker) == []
    page.get_by_label("London").check()
    page.get_by_role("button", name="Apply filters").first.click()
    expect(page.locator("#results-count")).to_have_text("3 programmes")
    page.goto("/programmes/?min_cost=500&max_cost=100")
    expect(page.get_by_role("alert")).to_contain_text("Minimum cost must not be more than the maximum cost")
    assert no_js_axe_violations(page, checker) == []


def test_the_compare_table_shows_cost_hours_and_remove_at_1280_px(page, catalogue):
    page.set_viewport_size({"width": 1280, "height": 900})
    for programme in (catalogue.mentor, catalogue.curriculum, catalogue.middle, catalogue.executive):
        page.goto(programme.get_absolute_url())
        page.get_by_role("button", name="Add to compare").click()
    page.goto("/programmes/compare/")
    region = page.locator(".app-table-scroll").first.bounding_box()
    visible_right = min(region["x"] + region["width"], 1280)
    shown = [
        page.get_by_role("link", name="Cost", exact=True),
        page.get_by_role("link", name="Contact hours", exact=True),
        page.get_by_role("button", name=f"Remove {catalogue.mentor.title}"),
    ]
    for locator in shown:  # within the table's visible width, without scrolling sideways
        found = locator.bounding_box()
        assert found["x"] + found["width"] <= visible_right, locator
    assert axe_violations(page) == []


def test_a_narrow_compare_table_says_it_scrolls(page, catalogue):
    page.set_viewport_size({"width": 375, "height": 800})
    for programme in (catalogue.mentor, catalogue.curriculum):
        page.goto(programme.get_absolute_url())
        page.get_by_role("button", name="Add to compare").click()
    page.goto("/programmes/compare/")
    expect(page.locator("#compare-scroll-cue")).to_be_visible()
    assert axe_violations(page) == []
