"""Bad input on the scoring form: an error beside the field, in the summary, and nothing lost."""

import re

import pytest
from django.utils.html import escape

from programmes.vocabulary import ProgrammeStatus
from reviews.models import CriterionScore, Review, ReviewState
from tests import factories
from tests.workflow.conftest import criteria, score_post

pytestmark = pytest.mark.django_db

TYPED = "My careful notes on this criterion, typed once."


@pytest.fixture
def review(submitted_programme, reviewer, client):
    submitted_programme.status = ProgrammeStatus.IN_REVIEW
    submitted_programme.save()
    client.force_login(reviewer)
    return factories.make_review(submitted_programme, reviewer, state=ReviewState.ASSIGNED, scores=None)


def criterion(code):
    return next(c for c in criteria() if c.code == code)


def post(client, review, data):
    return client.post(f"/reviewer/reviews/{review.id}/", data)


def error_beside(html: str, field_id: str) -> str:
    """The text of the error message rendered next to a field (GOV.UK: <p id="…-error">)."""
    match = re.search(rf'<p id="{field_id}-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    assert match, f"no error beside {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).replace("Error:", "").strip()


def summary_links(html: str) -> list[str]:
    return re.findall(r'<li><a href="#([^"]+)">', html)


def assert_everything_else_kept(html: str, skip_rationale_of: str | None = None):
    for c in criteria():
        if c.code != skip_rationale_of:
            assert f'name="rationale_{c.id}"' in html
    assert html.count(TYPED) >= len(criteria()) - 1
    assert "A strong programme overall." in html


def test_a_missing_score_is_shown_beside_its_field_and_the_rest_is_kept(client, review):
    v4 = criterion("V4")
    response = post(client, review, score_post(rationale=TYPED, skip=()) | {f"score_{v4.id}": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert error_beside(html, f"id_score_{v4.id}") == "Select a level for V4 Sharing of knowledge."
    assert f"id_score_{v4.id}_0" in summary_links(html)
    assert_everything_else_kept(html)
    p1 = criterion("P1")
    assert f'id="id_score_{p1.id}_2" name="score_{p1.id}" type="radio" value="3" aria-describedby' in html
    assert re.search(rf'id="id_score_{p1.id}_2"[^>]*checked', html)
    assert Review.objects.get(pk=review.pk).state == ReviewState.IN_PROGRESS  # the draft was kept


@pytest.mark.parametrize("bad_level", ["0", "5"])
def test_a_score_outside_one_to_four_is_refused_beside_its_field(client, review, bad_level):
    p2 = criterion("P2")
    html = post(client, review, score_post(rationale=TYPED, overrides={f"score_{p2.id}": bad_level})).content.decode()
    assert error_beside(html, f"id_score_{p2.id}") == "Select a level from 1 to 4 for P2."
    assert f"id_score_{p2.id}_0" in summary_links(html)
    assert_everything_else_kept(html)
    assert not CriterionScore.objects.filter(review=review).exists()
    assert Review.objects.get(pk=review.pk).state == ReviewState.ASSIGNED


def test_a_score_outside_one_to_four_is_refused_in_a_draft_too(client, review):
    p2 = criterion("P2")
    data = score_post(action="draft", rationale=TYPED, overrides={f"score_{p2.id}": "5"})
    html = post(client, review, data).content.decode()
    assert error_beside(html, f"id_score_{p2.id}") == "Select a level from 1 to 4 for P2."


def test_an_empty_rationale_is_refused_on_submit(client, review):
    g1 = criterion("G1")
    html = post(client, review, score_post(rationale=TYPED, overrides={f"rationale_{g1.id}": ""})).content.decode()
    assert error_beside(html, f"id_rationale_{g1.id}") == "Enter a rationale for G1."
    assert f"id_rationale_{g1.id}" in summary_links(html)
    assert_everything_else_kept(html, skip_rationale_of="G1")


def test_a_too_short_rationale_is_refused_and_kept_as_typed(client, review):
    g2 = criterion("G2")
    html = post(client, review, score_post(rationale=TYPED, overrides={f"rationale_{g2.id}": "Too short."})).content
    html = html.decode()
    assert error_beside(html, f"id_rationale_{g2.id}") == "The rationale for G2 must be at least 20 characters."
    assert ">\nToo short.</textarea>" in html
    assert_everything_else_kept(html)


def test_a_forged_criterion_id_is_refused_and_nothing_is_lost(client, review):
    data = score_post(rationale=TYPED) | {"score_999999": "3", "rationale_999999": "Forged"}
    html = post(client, review, data).content.decode()
    assert "not part of this review&#x27;s framework (id 999999)" in html
    assert 'id="scoring-error"' in html  # beside the form it concerns, and in the summary
    assert "There is a problem" in html
    assert_everything_else_kept(html)
    assert not CriterionScore.objects.filter(review=review).exists()


def test_a_draft_may_be_partial_and_is_there_on_the_next_visit(client, review):
    p1, p2 = criterion("P1"), criterion("P2")
    data = {"action": "draft", f"score_{p1.id}": "2", f"rationale_{p2.id}": "Half-formed"}
    assert post(client, review, data).status_code == 302
    html = client.get(f"/reviewer/reviews/{review.id}/").content.decode()
    assert re.search(rf'id="id_score_{p1.id}_1"[^>]*checked', html)
    assert ">\nHalf-formed</textarea>" in html
    assert Review.objects.get(pk=review.pk).state == ReviewState.IN_PROGRESS


def test_submitting_needs_the_no_conflict_confirmation(client, review):
    html = post(client, review, score_post(confirm=False)).content.decode()
    assert "Confirm that you have no conflict of interest" in html
    assert Review.objects.get(pk=review.pk).state == ReviewState.IN_PROGRESS


def test_a_submitted_review_is_read_only_and_a_second_submission_is_harmless(client, review):
    post(client, review, score_post())
    submitted_at = Review.objects.get(pk=review.pk).submitted_at
    again = client.post(f"/reviewer/reviews/{review.id}/", score_post(scores=1), follow=True).content.decode()
    assert "can no longer be changed" in again
    assert 'type="radio"' not in again
    review.refresh_from_db()
    assert (review.state, review.submitted_at) == (ReviewState.SUBMITTED, submitted_at)
    assert set(review.scores.values_list("score", flat=True)) == {3}


def test_the_form_shows_guidance_and_the_four_level_descriptors_for_every_criterion(client, review):
    html = client.get(f"/reviewer/reviews/{review.id}/").content.decode()
    for c in criteria():
        assert f"{c.code} {c.title}" in html
        assert escape(c.guidance) in html
        for descriptor in c.descriptors.all():
            assert escape(descriptor.descriptor) in html
    for name in ("1 Limited", "2 Developing", "3 Secure", "4 Exemplary"):
        assert name in html
    assert "At least 20 characters" in html
