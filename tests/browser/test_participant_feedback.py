"""Participant feedback in real Chromium, checked by axe on every page: a provider starts a round,
three participants answer through their links (a fourth use of a link is refused), a convenor
publishes a comment, and the programme page shows the participant rating apart from the expert
one only once the minimum is reached (recomputed by a real Celery worker)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback import services
from feedback.models import FeedbackRound, ParticipantRating, Questionnaire
from ratings.engine import recompute_programme
from tests import factories
from tests.browser.conftest import axe_violations, sign_in
from tests.conftest import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def checked(page):
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def answer(page, code: str, values: list[int], comment: str = "") -> None:
    page.goto(f"/feedback/{code}/")
    checked(page)
    for index, value in enumerate(values):
        page.locator(".govuk-radios").nth(index).get_by_role("radio").nth(value - 1).check()
    if comment:
        page.get_by_label("Anything else you would like to say? (optional)").fill(comment)
    page.get_by_role("button", name="Send my feedback").click()
    page.wait_for_load_state()


def sign_out(page) -> None:
    page.context.clear_cookies()


def test_feedback_round_to_published_participant_rating(page, celery_worker_process, provider, provider_editor,
                                                        convenor, reviewer, other_reviewer):  # fmt: skip
    # The convenors' questionnaire shows a score from three responses (a setting of its version).
    draft = services.questionnaire_draft_start(by=convenor)
    Questionnaire.objects.filter(pk=draft.pk).update(min_responses=3)
    services.questionnaire_publish(draft=draft, by=convenor)
    programme = factories.make_programme(provider, title="Leading early reading", slug="leading-early-reading")
    factories.make_review(programme, reviewer, scores=3)
    factories.make_review(programme, other_reviewer, scores=3)
    recompute_programme(programme_id=programme.id)

    sign_in(page, "editor-ann")
    page.goto(f"/provider/programmes/{programme.slug}/")
    page.get_by_role("link", name="Collect participant feedback").click()
    checked(page)
    page.get_by_label("Name of the cohort").fill("Spring 2026, Leeds")
    page.get_by_label("Number of participants").fill("3")
    page.get_by_label("Closing date").fill("31/12/2099")
    page.get_by_role("button", name="Make the links").click()
    # 2099 is too far ahead: the error says so beside the field and keeps what was typed.
    assert "within 26 weeks" in page.content()
    assert page.get_by_label("Name of the cohort").input_value() == "Spring 2026, Leeds"
    checked(page)
    page.get_by_label("Closing date").fill((timezone.localdate() + timedelta(days=21)).strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Make the links").click()
    page.get_by_text("3 single-use links are ready to give out.").wait_for()
    checked(page)
    links = [page.locator(".app-participant-link").nth(n).inner_text() for n in range(3)]
    codes = list(FeedbackRound.objects.get().links.order_by("id").values_list("code", flat=True))
    assert [link.rstrip("/").rsplit("/", 1)[1] for link in links] == codes
    sign_out(page)

    answer(page, codes[0], [4, 4, 3, 4], comment="My year 2 readers are flying.")
    assert page.get_by_role("heading", name="Thank you").is_visible()
    checked(page)
    answer(page, codes[1], [3, 3, 3, 4])
    page.goto(programme.get_absolute_url())
    wait_until(lambda: ParticipantRating.objects.filter(programme=programme, response_count=2).exists())
    page.reload()
    assert "Not enough responses yet: 2 of the 3 needed" in page.locator("#participant-score").inner_text()
    answer(page, codes[2], [4, 3, 4, 4])

    page.goto(f"/feedback/{codes[0]}/")
    assert "already been used" in page.content()
    checked(page)

    rating = wait_until(lambda: ParticipantRating.objects.filter(programme=programme, response_count=3).first())
    page.goto(programme.get_absolute_url())
    score = page.locator("#participant-score").inner_text()
    assert score == f"{rating.shown_score:.2f} out of 4"
    rating_panel = page.locator(".app-rating-panel").inner_text()
    assert "Secure" in rating_panel and score not in rating_panel
    assert "3 of 3 participants invited (100% response rate)" in page.content()
    assert "flying" not in page.content()
    checked(page)

    sign_in(page, "convenor-cat")
    page.goto("/convenor/feedback/")
    checked(page)
    page.get_by_role("button", name="Publish this comment on Leading early reading", exact=True).click()
    page.get_by_text("Comment published.").wait_for()
    sign_out(page)
    page.goto(programme.get_absolute_url())
    assert "My year 2 readers are flying." in page.locator(".app-participant-panel").inner_text()
    checked(page)
