import pytest

from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_page_renders_with_the_registers_own_name_and_passes_axe(page):
    page.goto("/")
    assert page.get_by_role("link", name="LPD/CPD Quality Register").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Find good professional development for your staff"
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily").lower().startswith("arial")
    assert axe_violations(page) == []


def test_the_skip_link_is_the_first_thing_the_keyboard_reaches(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
