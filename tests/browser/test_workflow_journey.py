"""The whole review journey in real Chromium through the real pages, checked by axe-core on
every page visited: editor submits → convenor assigns (a conflicted reviewer refused) → two
reviewers score → convenor returns one → it is fixed and resubmitted → convenor publishes."""

import pytest

from programmes.vocabulary import ProgrammeStatus
from ratings.models import StaleRating
from ratings.tasks import sweep_stale_ratings
from reviews.models import Review, ReviewState
from tests import factories
from tests.browser.conftest import ROOT, axe_violations, sign_in
from tests.workflow.conftest import add_evidence, criteria

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = ROOT / "data" / "screenshots"
RATIONALE = "The evidence portfolio supports this level clearly."


class Journey:
    """Visits pages and checks every one with axe; remembers what it saw."""

    def __init__(self, page):
        self.page = page
        self.visited: list[str] = []

    def check(self):
        path = self.page.url.split("://", 1)[1].split("/", 1)[1]
        violations = axe_violations(self.page)
        assert violations == [], f"/{path}: {violations}"
        self.visited.append("/" + path)

    def snapshot(self, name):
        """A full-page screenshot in data/screenshots/ (ignored by git), for people to look at."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"workflow-{name}.png", full_page=True)

    def goto(self, url):
        self.page.goto(url)
        self.check()

    def click(self, role, name):
        self.page.get_by_role(role, name=name).first.click()
        self.page.wait_for_load_state()
        self.check()

    def as_user(self, username):
        sign_in(self.page, username)
        self.check()

    def score(self, review_id, levels: dict[str, int]):
        """Element by element from the task list, then the check page and "Submit review"."""
        self.goto(f"/reviewer/reviews/{review_id}/")
        self.click("link", "Purpose")
        for element in ("purpose", "governance", "process", "definitions", "value"):
            assert self.page.url.endswith(f"/elements/{element}/")
            for criterion in (c for c in criteria() if c.element.key == element):
                level = levels.get(criterion.code, 3)
                self.page.check(f"#id_score_{criterion.id}_{level - 1}")
                self.page.fill(f"#id_rationale_{criterion.id}", RATIONALE)
            self.click("button", "Save and continue")
        assert self.page.get_by_role("heading", name="Check your scores and submit").is_visible()
        self.page.check("#id_no_conflict_confirmed")
        self.click("button", "Submit review")


@pytest.fixture
def cast(transactional_db):
    from datetime import date

    provider = factories.make_provider(name="Northgate Learning Trust", slug="northgate-learning-trust")
    from reviews.models import Affiliation

    editor = factories.make_user("editor-ann", role="provider-editor")
    provider.editors.add(editor)
    for username in ("reviewer-rob", "reviewer-rita", "reviewer-connie"):
        factories.make_user(username, role="reviewer")
    Affiliation.objects.create(
        reviewer=factories.User.objects.get(username="reviewer-connie"),
        provider=provider,
        organisation_name=provider.name,
        ended_on=date(date.today().year - 1, 3, 31),
    )
    factories.make_user("convenor-cat", role="convenor")
    return add_evidence(factories.make_programme(provider, status=ProgrammeStatus.DRAFT, title="Leading Maths"))


def test_the_review_journey_through_the_real_pages_passes_axe_on_every_page(page, cast):
    journey = Journey(page)
    slug = cast.slug

    # The editor signs in and submits the programme from their dashboard.
    journey.goto("/accounts/login/")
    journey.as_user("editor-ann")
    journey.click("link", "Your programmes")
    journey.click("link", "Leading Maths")
    journey.click("button", "Submit for review")
    assert page.get_by_text("Submitted for review. A convenor will assign").is_visible()
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("link", name="Sign in").is_visible()

    # The convenor assigns; the conflicted reviewer is refused with the reason.
    journey.as_user("convenor-cat")
    journey.click("link", "Review queue")
    journey.click("link", "Leading Maths")
    page.get_by_label("Reviewer's username").fill("reviewer-connie")
    journey.click("button", "Assign reviewer")
    summary = page.locator(".govuk-error-summary")
    assert "reviewer-connie is affiliated with Northgate Learning Trust" in summary.inner_text()
    journey.snapshot("1-conflict-refused")
    assert page.get_by_label("Reviewer's username").input_value() == "reviewer-connie"
    for username in ("reviewer-rob", "reviewer-rita"):
        page.get_by_label("Reviewer's username").fill(username)
        journey.click("button", "Assign reviewer")
        assert page.get_by_text(f"{username} has been assigned").is_visible()
    rob = Review.objects.get(reviewer__username="reviewer-rob")
    rita = Review.objects.get(reviewer__username="reviewer-rita")

    # Rob tries to submit an empty form, sees the errors, then scores everything.
    journey.as_user("reviewer-rob")
    journey.click("link", "My assignments")
    journey.click("link", "Leading Maths")
    journey.click("link", "Declare conflicts and submit")
    journey.click("button", "Submit review")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator(".govuk-error-summary__list li").count() == 2 * len(criteria()) + 1
    journey.snapshot("2-scoring-errors")
    journey.score(rob.id, {"P1": 4})
    assert page.get_by_text("Your review has been submitted.").is_visible()

    # Rita scores P1 two levels below Rob.
    journey.as_user("reviewer-rita")
    journey.score(rita.id, {"P1": 2})

    # The convenor sees the disagreement in words, accepts Rob's and returns Rita's.
    journey.as_user("convenor-cat")
    journey.goto(f"/convenor/programmes/{slug}/")
    assert page.get_by_text("Disagree: 2 levels apart").is_visible()
    journey.snapshot("3-moderation")
    journey.click("button", "Accept review by reviewer-rob")
    journey.click("link", "Return review by reviewer-rita")
    page.get_by_label("What should the reviewer change?").fill("Please justify P1 against the portfolio.")
    journey.click("button", "Return review")

    # Rita reads the comment, fixes P1 and resubmits.
    journey.as_user("reviewer-rita")
    journey.goto(f"/reviewer/reviews/{rita.id}/")
    assert page.get_by_text("Please justify P1 against the portfolio.").is_visible()
    journey.click("link", "Purpose")
    p1 = next(c for c in criteria() if c.code == "P1")
    assert page.locator(f"#id_score_{p1.id}_1").is_checked()  # her earlier answers are still there
    journey.score(rita.id, {"P1": 3})

    # The convenor accepts and publishes, then reads the audit trail.
    journey.as_user("convenor-cat")
    journey.goto(f"/convenor/programmes/{slug}/")
    journey.click("button", "Accept review by reviewer-rita")
    journey.click("button", "Publish programme")
    assert page.get_by_text("“Leading Maths” is published.").is_visible()
    journey.click("link", "Audit trail")
    assert page.get_by_role("cell", name="reviewer-rita").first.is_visible()
    journey.snapshot("4-audit-trail")

    # The editor reads the feedback without names and replies.
    journey.as_user("editor-ann")
    journey.goto(f"/provider/programmes/{slug}/")
    journey.click("link", "Read the feedback and respond")
    assert "reviewer-rob" not in page.content() and "reviewer-rita" not in page.content()
    page.get_by_label("Your response").fill("Thank you: we have added coaching between sessions.")
    journey.click("button", "Send response for approval")  # public once a convenor approves it
    assert "A convenor will check your response before it is published" in page.content()
    journey.snapshot("5-feedback-and-response")

    cast.refresh_from_db()
    assert cast.status == ProgrammeStatus.PUBLISHED
    assert set(Review.objects.filter(programme=cast).values_list("state", flat=True)) == {ReviewState.PUBLISHED}
    # Publishing promised a rating: whether or not a worker has swept it yet, the sweep the worker
    # runs puts it on the public page.
    sweep_stale_ratings()
    assert not StaleRating.objects.filter(programme=cast).exists()
    journey.goto(f"/programmes/{slug}/")
    assert "out of 4" in page.locator("main").inner_text()
    print("\nPages visited, axe clean:\n" + "\n".join(dict.fromkeys(journey.visited)))


def test_a_reviewer_can_score_and_submit_with_javascript_switched_off(no_js_page, cast):
    # No axe here: axe-core is itself JavaScript, which this page has switched off.
    page = no_js_page
    reviewer = factories.User.objects.get(username="reviewer-rob")
    cast.status = ProgrammeStatus.IN_REVIEW
    cast.save()
    review = factories.make_review(cast, reviewer, state=ReviewState.ASSIGNED, scores=None)
    sign_in(page, "reviewer-rob")
    page.goto(f"/reviewer/reviews/{review.id}/")
    page.get_by_role("link", name="Purpose").click()
    purpose = [c for c in criteria() if c.element.key == "purpose"]
    for criterion in purpose:
        page.check(f"#id_score_{criterion.id}_2")
    page.get_by_role("button", name="Save and come back later").click()
    assert page.get_by_text("Your draft has been saved.").is_visible()
    assert page.locator("#task-purpose-status").inner_text() == "In progress"
    page.get_by_role("link", name="Purpose").click()
    for element in ("purpose", "governance", "process", "definitions", "value"):
        for criterion in (c for c in criteria() if c.element.key == element):
            page.check(f"#id_score_{criterion.id}_2")
            page.fill(f"#id_rationale_{criterion.id}", RATIONALE)
        page.get_by_role("button", name="Save and continue").click()
    page.check("#id_no_conflict_confirmed")
    page.get_by_role("button", name="Submit review").click()
    assert page.get_by_text("Your review has been submitted.").is_visible()
    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED
