"""Every role's journey through the real pages in Chromium, with axe-core on every page visited.

Each role's journey (visitor, provider editor, reviewer, convenor, staff) runs whole on a phone
(375 px), a tablet (768 px) and a desktop (1280 px). The checks are the defects of issue 13, as a
person would notice them; what a page owes at every width is in ``looks_right``.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from programmes.models import Programme, ProgrammeChange
from programmes.vocabulary import FundingRoute, ProgrammeStatus
from providers.vocabulary import Phase, Region
from reviews.models import ReviewState
from tests import factories
from tests.browser.conftest import axe_violations, sign_in
from tests.directory import conftest as directory_fixtures
from tests.workflow.conftest import add_evidence

catalogue = directory_fixtures.catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"phone": (375, 812), "tablet": (768, 1024), "desktop": (1280, 800)}
every_screen = pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
SERVICE = "LPD/CPD Quality Register"


def looks_right(page) -> None:
    """What every page owes its visitor: a titled page in the service layout, no serious axe finding."""
    # A click returns once the next page's navigation has committed, before its head is parsed.
    page.wait_for_load_state()
    expect(page).to_have_title(re.compile(rf"(^|. – ){re.escape(SERVICE)}$"))
    assert page.locator("footer a", has_text="Accessibility statement").count() == 1
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"
    # Reflow (WCAG 1.4.10): a wide table scrolls inside its own region, never the whole page.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px"


def visit(page, url: str):
    response = page.goto(url)
    looks_right(page)
    return response


def at(page, screen: tuple[int, int]) -> None:
    width, height = screen
    page.set_viewport_size({"width": width, "height": height})


@every_screen
def test_a_visitor_reads_the_public_pages_at_every_width(page, catalogue, screen):
    at(page, screen)
    visit(page, "/")
    for label in ("How ratings work", "Accessibility statement", "Privacy notice", "Cookies", "Service status"):
        expect(page.locator("footer").get_by_role("link", name=label)).to_be_visible()
    visit(page, "/programmes/")
    expect(page.locator("#results-count")).to_have_text("6 programmes")
    visit(page, catalogue.mentor.get_absolute_url())
    expect(page.get_by_text("£2980.00")).to_have_count(0)
    visit(page, catalogue.withdrawn.get_absolute_url())
    expect(page.get_by_text("withdrawn from the register")).to_have_count(1)
    expect(page.get_by_text("Not yet rated")).to_have_count(0)
    expect(page.get_by_text("The provider stopped running it.")).to_have_count(0)
    visit(page, "/status/")
    expect(page.get_by_role("heading", name="The register is working normally")).to_be_visible()
    response = visit(page, "/programmes/no-such-programme/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


@pytest.fixture
def editors_programmes(provider_editor, provider, reviewer):
    draft = add_evidence(factories.make_programme(
        provider, status=ProgrammeStatus.DRAFT, title="Leading Maths", phases=[Phase.PRIMARY, Phase.SECONDARY],
        regions=[Region.LONDON, Region.SOUTH_EAST], funding_routes=[FundingRoute.DFE_FUNDED],
    ))  # fmt: skip
    published = add_evidence(factories.make_programme(
        provider, title="Coaching for Heads", cost_per_participant=Decimal("2980"), published_at="2026-01-10T09:00Z",
    ))  # fmt: skip
    factories.make_review(published, reviewer)
    return draft, published


@every_screen
def test_a_provider_editor_keeps_everything_they_saved_at_every_width(
    page, provider_editor, editors_programmes, screen
):
    draft, published = editors_programmes
    at(page, screen)
    sign_in(page, "editor-ann")
    page.wait_for_url("**/provider/")  # signing in lands on their own work
    looks_right(page)

    page.get_by_role("link", name="Leading Maths").click()
    looks_right(page)
    expect(page.get_by_text("DfE funded")).to_be_visible()  # their own page lists the funding routes
    page.get_by_role("link", name="Edit details").click()
    looks_right(page)
    expect(page.get_by_label("DfE funded (for example NPQ scholarships)")).to_be_checked()
    expect(page.get_by_label("South East")).to_be_checked()
    page.get_by_label("Contact time (hours)").fill("100000")
    page.get_by_role("button", name="Save programme").click()
    looks_right(page)
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Contact time must be between 1 and 1,000 hours")
    expect(page.get_by_label("DfE funded (for example NPQ scholarships)")).to_be_checked()  # nothing lost
    page.get_by_label("Contact time (hours)").fill("18")
    page.get_by_role("button", name="Save programme").click()
    expect(page.get_by_text("Your changes have been saved.")).to_be_visible()
    draft.refresh_from_db()
    assert (draft.funding_routes, draft.regions) == ({"dfe-funded"}, {"london", "south-east"})

    visit(page, f"/provider/programmes/{published.slug}/")
    page.get_by_role("link", name="Change details").click()
    looks_right(page)
    page.get_by_label("Cost per participant (£)").fill("3100")
    page.get_by_label("Intended outcomes").fill("Heads build a coaching culture across the trust.")
    page.get_by_role("button", name="Save programme").click()
    looks_right(page)
    expect(page.get_by_text("The updated details are on the public page now.")).to_be_visible()
    expect(page.get_by_text("A convenor will check the change to intended outcomes")).to_be_visible()
    visit(page, published.get_absolute_url())
    expect(page.locator("#details-updated")).to_contain_text("since its review")
    expect(page.get_by_text("£3,100")).to_be_visible()


@every_screen
def test_a_reviewer_scores_element_by_element_at_every_width(page, reviewer, provider, screen):
    programme = add_evidence(factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW, title="Phonics"))
    review = factories.make_review(programme, reviewer, state=ReviewState.ASSIGNED, scores=None)
    at(page, screen)
    sign_in(page, "reviewer-rob")
    page.wait_for_url("**/reviewer/")
    looks_right(page)
    page.get_by_label("Status").select_option("assigned")
    page.get_by_role("button", name="Apply").click()
    looks_right(page)
    page.get_by_role("link", name="Phonics").click()
    looks_right(page)
    expect(page.locator(".govuk-task-list__item")).to_have_count(6)
    page.get_by_role("link", name="Purpose").click()
    looks_right(page)
    section = page.locator("main form")
    for radio in section.locator("input[type=radio][value='3']").all():
        radio.check()
    for box in section.locator("textarea").all():
        box.fill("The evidence portfolio supports this level clearly.")
    scored = section.locator("textarea").count()
    section.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r"/elements/governance/$"))
    looks_right(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Governance")
    page.get_by_role("link", name="Back", exact=True).click()
    looks_right(page)
    expect(page.locator(".govuk-task-list__item").first).to_contain_text("Completed")
    page.get_by_role("link", name="Purpose").click()
    expect(page.locator("textarea").first).to_have_value("The evidence portfolio supports this level clearly.")
    assert review.scores.filter(score=3).count() == scored


@every_screen
def test_a_convenor_decides_changes_and_moderates_at_every_width(
    page, convenor, provider_editor, reviewer, provider, screen
):
    programme = add_evidence(factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW, title="Headship"))
    review = factories.make_review(programme, reviewer, state=ReviewState.SUBMITTED)
    published = factories.make_programme(provider, title="Coaching for Heads")
    ProgrammeChange.objects.create(
        provider=provider, programme=published, kind="public-text", state="pending", proposed_by=provider_editor,
        fields={"title": ["Coaching for Heads", "Coaching for New Heads"]},
    )  # fmt: skip
    at(page, screen)
    sign_in(page, "convenor-cat")
    page.wait_for_url("**/convenor/")
    looks_right(page)
    page.get_by_role("link", name=re.compile("change.* waiting|1 change")).click()
    looks_right(page)
    page.get_by_role("link", name="Coaching for Heads").click()
    looks_right(page)
    page.get_by_label("Approve and publish").check()
    page.get_by_role("button", name="Record decision").click()
    looks_right(page)
    assert Programme.objects.get(pk=published.pk).title == "Coaching for New Heads"

    visit(page, "/convenor/?status=in-review&q=Head")
    page.get_by_role("link", name="Headship").click()
    looks_right(page)
    page.get_by_role("link", name="reviewer-rob", exact=True).click()
    looks_right(page)
    page.get_by_role("button", name="Accept review").click()
    looks_right(page)
    review.refresh_from_db()
    assert review.state == ReviewState.ACCEPTED


@every_screen
def test_staff_and_refused_roles_see_helpful_pages_at_every_width(page, reviewer, screen):
    factories.make_user("staff-sam", is_staff=True, is_superuser=True)
    at(page, screen)
    sign_in(page, "staff-sam")
    page.wait_for_url("**/admin/")
    visit(page, "/how-ratings-work/")
    page.context.clear_cookies()
    sign_in(page, "reviewer-rob")
    response = page.goto("/convenor/")
    assert response.status == 403
    looks_right(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
    expect(page.get_by_role("link", name="My assignments").last).to_be_visible()
    # Their own pages are in the navigation too: behind the Menu button on a phone, in view wider up.
    menu = page.get_by_role("button", name="Menu")
    if screen == SCREENS["phone"]:
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
    else:
        expect(menu).to_be_hidden()
    expect(page.locator("#navigation").get_by_role("link", name="My assignments")).to_be_visible()
