"""The directory in real Chromium: keyboard-only use, accessibility (axe-core) and no JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.directory import conftest as directory_fixtures
from tests.factories import make_review, make_user

# The directory tests' hand-checkable catalogue, and a fresh snapshot for every request.
catalogue = directory_fixtures.catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, selector: str, text: str = "", limit: int = 250) -> None:
    """Press Tab until an element matching ``selector`` (whose text starts with ``text``) has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = "([selector, text]) => document.activeElement.matches(selector) && "
        focused += "document.activeElement.textContent.trim().startsWith(text)"
        if page.evaluate(focused, [selector, text]):
            return
    raise AssertionError(f"Tab never reached {selector} {text}")


SCRIPT_TAG = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.S | re.I)


def no_js_axe_violations(no_js_page, page) -> list[dict]:
    """axe-core on the page exactly as it rendered without JavaScript.

    axe needs JavaScript, so the no-JS page's HTML is written, with its scripts taken out, into a
    page at the same address and size (so its styles load and lay out the same) and checked there.
    """
    page.set_viewport_size(no_js_page.viewport_size)
    page.goto(no_js_page.url)
    page.set_content(SCRIPT_TAG.sub("", no_js_page.content()))
    assert page.locator("script").count() == 0 and page.locator("link[rel=stylesheet]").count() >= 1
    return axe_violations(page)


def test_a_keyboard_user_searches_filters_opens_and_compares(page, catalogue):
    page.goto("/programmes/")
    tab_to(page, "#id_q")
    page.keyboard.type("leaders")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=leaders"))
    assert page.locator("#results-count").inner_text() == "4 programmes"

    tab_to(page, "input[name=region][value=london]")
    page.keyboard.press("Space")  # with JavaScript the directory updates in place
    page.wait_for_url(re.compile(r"region=london"))
    assert page.locator("#results-count").inner_text() == "1 programme"
    assert page.evaluate("document.activeElement.value") == "london"  # focus stays where it was

    tab_to(page, f"a[href='{catalogue.middle.get_absolute_url()}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{catalogue.middle.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == catalogue.middle.title

    tab_to(page, "button", "Add to compare")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("button:has-text('Remove from compare')").count() == 1

    page.goto("/programmes/?region=north-west")
    tab_to(page, "button", "Add to compare")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "a[href='/programmes/compare/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/programmes/compare/")
    rows = page.locator(".app-compare-table tbody tr th a")
    assert rows.all_inner_texts() == [catalogue.curriculum.title, catalogue.middle.title]

    tab_to(page, "a.app-sort-link[href*='sort=cost']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"sort=cost"))
    assert page.locator("th[aria-sort=ascending]").inner_text() == "Cost"
    assert rows.all_inner_texts() == [catalogue.curriculum.title, catalogue.middle.title]


@pytest.mark.parametrize(
    "path",
    [
        "/programmes/",
        "/programmes/?region=london&min_band=3&q=leaders&sort=cost",
        "/programmes/?free=true&region=north-west",
        "/programmes/?min_cost=-1&region=Atlantis",
        "/providers/",
        "/providers/?region=london&provider_type=mat",
        "/providers/northgate/",
        "/how-ratings-work/",
    ],
)
def test_directory_pages_have_no_serious_accessibility_violations(page, catalogue, path):
    page.goto(path)
    assert axe_violations(page) == []


def test_the_programme_and_compare_pages_have_no_serious_accessibility_violations(page, catalogue):
    first, second = make_user("reviewer-one"), make_user("reviewer-two")
    make_review(catalogue.middle, first, scores={"G1": 4})
    make_review(catalogue.middle, second, scores={"G1": 2})

    page.goto(catalogue.middle.get_absolute_url())
    page.locator("details summary").first.click()
    assert page.get_by_role("img", name=re.compile("Bar chart of element scores")).is_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Add to compare").click()
    page.goto("/programmes/?region=north-west")
    page.get_by_role("button", name=re.compile("Add to compare")).first.click()
    page.goto("/programmes/compare/?sort=governance&dir=desc")
    assert page.locator("th[aria-sort=descending]").inner_text() == "Governance"
    assert axe_violations(page) == []

    page.goto(catalogue.withdrawn.get_absolute_url())
    assert axe_violations(page) == []


def test_the_directory_works_without_javascript(no_js_page, page, catalogue):
    checker, page = page, no_js_page
    page.goto("/programmes/")
    assert no_js_axe_violations(page, checker) == []
    page.get_by_label("Search programmes").fill("leaders")
    page.get_by_label(re.compile(r"^London")).check()
    page.get_by_role("button", name="Apply filters").first.click()
    page.wait_for_url(re.compile(r"region=london"))
    assert page.locator("#results-count").inner_text() == "1 programme"
    assert "q=leaders" in page.url
    assert no_js_axe_violations(page, checker) == []

    page.get_by_role("link", name=re.compile("Remove this filter: London")).click()
    assert page.locator("#results-count").inner_text() == "4 programmes"

    page.get_by_label("Sort by").select_option("cost")
    page.get_by_role("button", name="Sort").click()
    page.wait_for_url(re.compile(r"sort=cost"))
    assert page.locator(".app-result h3").first.inner_text() == catalogue.network.title

    page.get_by_role("button", name=re.compile("Add to compare")).first.click()
    page.get_by_role("link", name=re.compile(r"Compare \(1 of 4")).click()
    assert page.locator(".app-compare-table tbody tr").count() == 1
    assert no_js_axe_violations(page, checker) == []


def test_with_javascript_the_sort_applies_on_change_and_is_announced(page, catalogue):
    page.goto("/programmes/")
    expect(page.get_by_role("button", name="Sort")).to_be_hidden()  # the script hides it once it runs
    page.get_by_label("Sort by").select_option("cost")
    page.wait_for_url(re.compile(r"sort=cost"))
    assert page.locator(".app-result h3").first.inner_text() == catalogue.mentor.title
    assert page.locator("#directory-status").inner_text() == "6 programmes"
