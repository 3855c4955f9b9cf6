"""A convenor publishes a new framework version in real Chromium, every page checked by axe-core:
draft v2 from v1 → change an element's weight and a band's threshold → preview the band changes →
publish → watch the worker's recompute progress (the page reloads itself, no script needed) →
the directory shows the new bands, and v1 stays readable."""

import pytest

from ratings.engine import recompute_all
from ratings.models import ProgrammeRating
from reviews.models import Framework
from tests import factories
from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Per programme: the level every criterion gets, and the value element's criteria (V1-V4).
PROGRAMMES = {"Weak on value": (3, 1), "Steady": (3, 3), "Strong": (4, 4), "Developing": (2, 2)}


@pytest.fixture
def rated_register(provider, reviewer, other_reviewer):
    for title, (level, value_level) in PROGRAMMES.items():
        programme = factories.make_programme(provider, title=title)
        scores = dict.fromkeys(("V1", "V2", "V3", "V4"), value_level)
        factories.make_review(
            programme,
            reviewer,
            scores={**{c.code: level for c in factories.criteria_of(factories.live_framework())}, **scores},
        )
        factories.make_review(
            programme,
            other_reviewer,
            scores={**{c.code: level for c in factories.criteria_of(factories.live_framework())}, **scores},
        )
    recompute_all()
    return bands_now()


def bands_now() -> dict[str, str]:
    return dict(ProgrammeRating.objects.values_list("programme__title", "band"))


def checked(page) -> None:
    assert axe_violations(page) == [], page.url


def test_a_convenor_publishes_v2_and_the_directory_shows_its_bands(
    page, celery_worker_process, convenor, rated_register
):
    v1 = Framework.objects.get(is_live=True)
    sign_in(page, convenor.username)
    page.goto("/convenor/frameworks/")
    checked(page)
    page.get_by_role("button", name="Start a draft from v1").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Draft version 2"
    checked(page)

    page.get_by_role("link", name="V Value").click()
    page.get_by_label("Weight").fill("3")
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_text("Your changes to the draft have been saved.").is_visible()

    page.get_by_role("link", name="Bands").click()
    checked(page)
    page.get_by_label("Min score of band 2").fill("3.20")
    page.get_by_role("button", name="Save changes").click()
    checked(page)

    page.get_by_role("link", name="Preview and publish").click()
    checked(page)
    preview_rows = page.locator("table tbody tr").all_inner_texts()
    moves = {}
    for row in preview_rows:
        before, after, count = row.split("\t")
        moves[(before, after)] = int(count)
    assert sum(moves.values()) >= 1, "the preview shows no band change"

    page.get_by_role("button", name="Publish version 2").click()
    assert "/progress/" in page.url
    checked(page)
    page.get_by_role("heading", name="The register has been recomputed").wait_for(timeout=30_000)
    checked(page)

    after = bands_now()
    published_moves = {}
    for title, band in after.items():
        if band != rated_register[title]:
            published_moves[(rated_register[title], band)] = published_moves.get((rated_register[title], band), 0) + 1
    assert published_moves == moves  # the preview said what publishing did
    assert Framework.objects.get(is_live=True).version == 2

    page.goto("/programmes/?sort=title")
    checked(page)
    for title, band in after.items():
        result = page.locator("li.app-result", has=page.get_by_role("link", name=title, exact=True))
        assert band in result.inner_text()

    page.goto(f"/convenor/frameworks/{v1.pk}/")
    checked(page)
    assert page.get_by_role("heading", level=1).inner_text() == f"{v1.name} v1"
    assert page.get_by_text("V Value (weight 1.00)").is_visible()
