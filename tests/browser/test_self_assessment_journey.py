"""A provider editor assesses their own programme on the reviewers' element pages, then reads it
beside the reviewers' published scores, in Chromium at a phone's and a desktop's width with axe."""

import pytest
from playwright.sync_api import expect

from programmes.vocabulary import ProgrammeStatus
from reviews.models import ReviewState, SelfAssessment
from tests import factories
from tests.browser.conftest import axe_violations, sign_in
from tests.workflow.conftest import add_evidence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RATIONALE = "Our own evidence supports this level, we think."


def axe_clean(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


@pytest.mark.parametrize("width", [375, 1280])
def test_an_editor_assesses_their_programme_and_sees_it_beside_the_reviewers_scores(
    page, provider_editor, provider, reviewer, other_reviewer, width
):
    programme = add_evidence(factories.make_programme(provider, status=ProgrammeStatus.PUBLISHED, title="Phonics"))
    factories.make_review(programme, reviewer, state=ReviewState.PUBLISHED, scores={"P1": 2})
    factories.make_review(programme, other_reviewer, state=ReviewState.PUBLISHED, scores={"P1": 2})
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "editor-ann")
    page.goto(f"/provider/programmes/{programme.slug}/")
    page.get_by_role("link", name="Assess your programme against the framework").click()
    axe_clean(page)
    expect(page.get_by_text("only your provider's editors can see it")).to_be_visible()

    page.get_by_role("link", name="Purpose").click()
    for element in ("Purpose", "Governance", "Process", "Definitions", "Value"):
        expect(page.get_by_role("heading", level=1)).to_have_text(element)
        axe_clean(page)
        for group in page.locator(".app-criterion").all():
            level = "4" if element == "Purpose" else "3"
            group.locator(f"input[type=radio][value='{level}']").check()
            group.locator("textarea").fill(RATIONALE)
        page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your self-assessment")
    axe_clean(page)
    page.get_by_role("button", name="Finish self-assessment").click()
    expect(page.get_by_text("Your self-assessment is finished.")).to_be_visible()
    axe_clean(page)
    assert SelfAssessment.objects.get(programme=programme).completed_at is not None

    page.goto(f"/provider/programmes/{programme.slug}/")
    page.get_by_role("link", name="Read the feedback and respond").click()
    axe_clean(page)
    expect(page.locator("#self-P1")).to_contain_text("You rated higher")
    expect(page.locator("#self-G1")).to_contain_text("In line")
