"""The reviewer pool in real Chromium, axe-core on every page: a person applies, a convenor
accepts them, they score the calibration exercise, see where they differ from the reference,
pass and become assignable; the convenor then assigns the whole submitted queue from the
suggestions in one step."""

import pytest

from pool.models import ReviewerProfile, ReviewerStatus
from programmes.vocabulary import FocusLevel, ProgrammeStatus
from providers.vocabulary import Phase
from reviews.models import Review
from tests import factories
from tests.browser.conftest import sign_in
from tests.browser.test_workflow_journey import Journey
from tests.pool.calibration_data import make_open_exercise, reference_levels
from tests.workflow.conftest import add_evidence, criteria

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RATIONALE = "The portfolio's evidence supports this level clearly."


@pytest.fixture
def register(transactional_db):
    northgate = factories.make_provider(name="Northgate Learning Trust", slug="northgate-learning-trust")
    eastside = factories.make_provider(name="Eastside Teaching Hub", slug="eastside-teaching-hub")
    convenor = factories.make_user("convenor-cat", role="convenor")
    for username in ("reviewer-rob", "reviewer-rita"):
        factories.make_user(username, role="reviewer")
    factories.make_user("applicant-amy", first_name="Amy", last_name="Achebe")
    sample = add_evidence(
        factories.make_programme(eastside, title="Sample: early reading", status=ProgrammeStatus.DRAFT)
    )
    make_open_exercise(programme=sample, convenor=convenor, title="Early reading sample")
    queue = [
        factories.make_programme(
            provider,
            title=title,
            status=ProgrammeStatus.SUBMITTED,
            focus_level=FocusLevel.MIDDLE_LEADER,
            phases=[Phase.PRIMARY],
        )
        for provider, title in (
            (northgate, "Leading Maths"),
            (eastside, "Coaching Middle Leaders"),
            (eastside, "Leading Early Reading"),
        )
    ]
    return queue


def test_a_person_applies_calibrates_and_is_assigned_from_the_queue_suggestions(page, register):
    journey = Journey(page)
    leading_maths = register[0]

    # Amy applies, naming the trust she works for.
    journey.goto("/accounts/login/")
    journey.as_user("applicant-amy")
    journey.goto("/pool/apply/")
    journey.click("button", "Send application")
    assert page.locator(".govuk-error-summary").is_visible()  # nothing filled in: every field says why
    page.get_by_label("Your current role").fill("Phonics lead")
    page.get_by_label("Middle leaders").check()
    page.get_by_label("Primary", exact=True).check()
    page.get_by_label("Organisations you work for").fill("Northgate Learning Trust")
    page.get_by_label("Your experience of leading").fill("I have led phonics training across three schools.")
    journey.click("button", "Send application")
    assert page.get_by_text("Application sent.").is_visible()
    journey.snapshot("pool-1-applied")

    # The convenor accepts her into the pool, in training.
    journey.as_user("convenor-cat")
    journey.click("link", "Reviewer pool")
    journey.click("link", "1 application awaiting a decision")
    journey.click("link", "Amy Achebe")
    assert page.get_by_text("Northgate Learning Trust").is_visible()
    journey.click("button", "Accept into the pool (in training)")
    assert page.get_by_text("applicant-amy has joined the pool in training.").is_visible()

    # Not yet assignable: in training.
    journey.goto(f"/convenor/programmes/{register[1].slug}/reviewers/")
    assert page.get_by_text("applicant-amy is in training in the reviewer pool").is_visible()

    # Amy scores the calibration exercise through the scoring form, one level out on P1.
    journey.as_user("applicant-amy")
    journey.click("link", "Calibration")
    journey.click("button", "Start or continue “Early reading sample”")
    levels = reference_levels()
    levels["P1"] = 4 if levels["P1"] == 3 else 3
    for criterion in criteria():
        page.check(f"#id_score_{criterion.id}_{levels[criterion.code] - 1}")
        page.fill(f"#id_rationale_{criterion.id}", RATIONALE)
    journey.click("button", "Submit for comparison")
    assert page.get_by_role("heading", name="Calibration passed").is_visible()
    p1_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="P1"))
    assert "1 level above the reference" in p1_row.inner_text() or "1 level below the reference" in p1_row.inner_text()
    assert "The panel agreed this level" in p1_row.inner_text()
    journey.snapshot("pool-2-calibration-result")
    assert ReviewerProfile.objects.get(reviewer__username="applicant-amy").status == ReviewerStatus.ACTIVE

    # Now she is assignable — except to the trust she works for, where the conflict is refused.
    journey.as_user("convenor-cat")
    journey.goto(f"/convenor/programmes/{register[1].slug}/reviewers/")
    assert page.get_by_role("button", name="Assign applicant-amy").is_visible()
    journey.goto(f"/convenor/programmes/{leading_maths.slug}/reviewers/")
    assert page.get_by_text("applicant-amy is affiliated with Northgate Learning Trust (currently)").is_visible()
    assert page.get_by_role("button", name="Assign applicant-amy").count() == 0

    # The convenor assigns the whole submitted queue from the suggestions in one step.
    journey.click("link", "Back to Leading Maths")
    journey.click("link", "Back to the queue")
    journey.click("link", "assign the whole queue from suggested reviewers")
    journey.snapshot("pool-3-queue-suggestions")
    journey.click("button", "Assign the ticked reviewers")
    assert page.get_by_text("6 reviewers assigned and e-mailed.").is_visible()
    for programme in register:
        reviewers = set(Review.objects.filter(programme=programme).values_list("reviewer__username", flat=True))
        assert len(reviewers) == 2
    assert "applicant-amy" not in set(
        Review.objects.filter(programme=leading_maths).values_list("reviewer__username", flat=True)
    )
    assert Review.objects.filter(reviewer__username="applicant-amy").count() == 2
    assert page.get_by_text("No programmes are awaiting reviewers.").is_visible()
    print("\nPages visited, axe clean:\n" + "\n".join(dict.fromkeys(journey.visited)))


def test_the_queue_suggestions_can_be_accepted_with_javascript_switched_off(no_js_page, register):
    page = no_js_page
    sign_in(page, "convenor-cat")
    page.goto("/convenor/pool/suggestions/")
    page.get_by_role("button", name="Assign the ticked reviewers").click()
    assert page.get_by_text("reviewers assigned and e-mailed.").is_visible()
    assert Review.objects.filter(programme__in=register).count() == 6
