"""The reviewer's scoring journey as a GOV.UK task list, in Chromium at a phone's and a desktop's
width, with axe-core on every page: the task list, one page per element, an error shown and fixed
without losing what was typed, and a submission refused until every criterion is done."""

import re

import pytest
from playwright.sync_api import expect

from programmes.vocabulary import ProgrammeStatus
from reviews.models import CriterionScore, Review, ReviewState
from tests import factories
from tests.browser.conftest import axe_violations, sign_in
from tests.workflow.conftest import add_evidence, criteria

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RATIONALE = "The evidence portfolio supports this level clearly."
ELEMENTS = ["Purpose", "Governance", "Process", "Definitions", "Value"]


def axe_clean(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def status_of(page, element: str):
    return page.locator(".govuk-task-list__item", has_text=element).locator(".govuk-task-list__status")


def fill_element(page, level: int = 3, rationale: str = RATIONALE) -> None:
    for group in page.locator(".app-criterion").all():
        group.locator(f"input[type=radio][value='{level}']").check()
        group.locator("textarea").fill(rationale)


@pytest.fixture
def review(reviewer, provider):
    programme = add_evidence(factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW, title="Phonics"))
    return factories.make_review(programme, reviewer, state=ReviewState.ASSIGNED, scores=None)


@pytest.mark.parametrize("width", [375, 1280])
def test_a_reviewer_walks_the_task_list_fixes_an_error_without_losing_input_and_submits(page, review, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "reviewer-rob")
    page.goto(f"/reviewer/reviews/{review.id}/")
    axe_clean(page)
    for element in ELEMENTS:
        expect(status_of(page, element)).to_have_text("Not started")
    expect(page.get_by_role("link", name="Declare conflicts and submit")).to_be_visible()
    expect(page.locator("input[type=radio]")).to_have_count(0)  # no longer one long page

    # Purpose: one rationale too short, so "Save and continue" stays and says why, keeping every answer.
    page.get_by_role("link", name="Purpose").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Purpose")
    expect(page.get_by_role("link", name="Back", exact=True)).to_be_visible()
    axe_clean(page)
    fill_element(page, level=3)
    p2 = next(c for c in criteria() if c.code == "P2")
    page.fill(f"#id_rationale_{p2.id}", "Too short.")
    page.get_by_role("button", name="Save and continue").click()
    axe_clean(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The rationale for P2 must be at least 20 characters.")
    expect(page.locator(f"#id_rationale_{p2.id}-error")).to_contain_text("at least 20 characters")
    expect(page.locator(f"#id_rationale_{p2.id}")).to_have_value("Too short.")
    expect(page.locator(".app-criterion input[type=radio][value='3']:checked")).to_have_count(
        page.locator(".app-criterion").count()
    )
    summary.get_by_role("link", name=re.compile("rationale for P2")).click()
    expect(page.locator(f"#id_rationale_{p2.id}")).to_be_focused()
    page.fill(f"#id_rationale_{p2.id}", RATIONALE)
    page.get_by_role("button", name="Save and continue").click()

    # On to governance: half done, then "Save and come back later" keeps it as a draft.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Governance")
    axe_clean(page)
    page.locator(".app-criterion input[type=radio][value='2']").first.check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text("Your draft has been saved.")).to_be_visible()
    expect(status_of(page, "Purpose")).to_have_text("Completed")
    expect(status_of(page, "Governance")).to_have_text("In progress")
    expect(status_of(page, "Process")).to_have_text("Not started")
    axe_clean(page)

    # Submitting now is refused, each missing answer linking to its element's page and field.
    page.get_by_role("link", name="Declare conflicts and submit").click()
    axe_clean(page)
    page.get_by_role("button", name="Submit review").click()
    axe_clean(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a rationale for G1.")
    expect(summary).to_contain_text("Confirm that you have no conflict of interest")
    expect(summary).not_to_contain_text("P1")
    summary.get_by_role("link", name="Enter a rationale for G1.").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Governance")
    g1 = next(c for c in criteria() if c.code == "G1")
    expect(page.locator(f"#id_rationale_{g1.id}-error")).to_contain_text("Enter a rationale for G1.")
    expect(page.locator(f"#id_score_{g1.id}_1")).to_be_checked()  # the saved level is still there
    axe_clean(page)

    # The rest, element by element; "Save and continue" on the last one leads to the check page.
    for element in ELEMENTS[1:]:
        expect(page.get_by_role("heading", level=1)).to_contain_text(element)
        fill_element(page, level=3)
        page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your scores and submit")
    axe_clean(page)
    expect(page.locator("main")).to_contain_text(RATIONALE)
    page.get_by_label("Overall comment").fill("A well evidenced programme.")
    page.get_by_label("I confirm I have no conflict of interest with this provider").check()
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("Your review has been submitted.")).to_be_visible()
    expect(page.get_by_text("This review can no longer be changed")).to_be_visible()
    axe_clean(page)

    review = Review.objects.get(pk=review.pk)
    assert review.state == ReviewState.SUBMITTED
    assert CriterionScore.objects.filter(review=review, score=3).count() == len(criteria())
