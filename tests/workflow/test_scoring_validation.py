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
    """The one-page form's post (every criterion and the overall questions) to the task list's address."""
    return client.post(f"/reviewer/reviews/{review.id}/", data)


def element_url(review, key: str) -> str:
    return f"/reviewer/reviews/{review.id}/elements/{key}/"


def on_element(data: dict, code_letter: str) -> dict:
    """The part of a whole-form post that one element's page sends."""
    ids = {str(c.id) for c in criteria() if c.code.startswith(code_letter)}
    return {key: value for key, value in data.items() if key.split("_", 1)[-1] in ids}


def post_element(client, review, key: str, data: dict, action: str = "continue"):
    return client.post(element_url(review, key), data | {"action": action})


def error_beside(html: str, field_id: str) -> str:
    """The text of the error message rendered next to a field (GOV.UK: <p id="…-error">)."""
    match = re.search(rf'<p id="{field_id}-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    assert match, f"no error beside {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).replace("Error:", "").strip()


def summary_links(html: str) -> list[str]:
    return re.findall(r'<li><a href="([^"]+)">', html)


def assert_element_kept(html: str, letter: str, skip_rationale_of: str | None = None):
    mine = [c for c in criteria() if c.code.startswith(letter)]
    for c in mine:
        if c.code != skip_rationale_of:
            assert f'name="rationale_{c.id}"' in html
    assert html.count(TYPED) >= len(mine) - 1


def test_a_missing_score_links_from_the_refused_submission_to_its_field_on_the_element_page(client, review):
    v4 = criterion("V4")
    response = post(client, review, score_post(rationale=TYPED, skip=()) | {f"score_{v4.id}": ""})
    html = response.content.decode()
    assert response.status_code == 200
    link = element_url(review, "value") + f"?check=yes#id_score_{v4.id}_0"
    assert link in summary_links(html)
    assert "Select a level for V4 Sharing of knowledge." in html
    assert "A strong programme overall." in html  # the overall comment typed is kept
    assert Review.objects.get(pk=review.pk).state == ReviewState.IN_PROGRESS  # the draft was kept
    page = client.get(link.split("#")[0]).content.decode()
    assert error_beside(page, f"id_score_{v4.id}") == "Select a level for V4 Sharing of knowledge."
    assert_element_kept(page, "V")
    v1 = criterion("V1")
    assert f'id="id_score_{v1.id}_2" name="score_{v1.id}" type="radio" value="3" aria-describedby' in page
    assert re.search(rf'id="id_score_{v1.id}_2"[^>]*checked', page)


@pytest.mark.parametrize("bad_level", ["0", "5"])
def test_a_score_outside_one_to_four_is_refused_beside_its_field(client, review, bad_level):
    p2 = criterion("P2")
    data = on_element(score_post(rationale=TYPED, overrides={f"score_{p2.id}": bad_level}), "P")
    html = post_element(client, review, "purpose", data).content.decode()
    assert error_beside(html, f"id_score_{p2.id}") == "Select a level from 1 to 4 for P2."
    assert f"#id_score_{p2.id}_0" in summary_links(html)
    assert_element_kept(html, "P")
    assert not CriterionScore.objects.filter(review=review).exists()
    assert Review.objects.get(pk=review.pk).state == ReviewState.ASSIGNED


def test_a_score_outside_one_to_four_is_refused_in_a_draft_too(client, review):
    p2 = criterion("P2")
    data = on_element(score_post(rationale=TYPED, overrides={f"score_{p2.id}": "5"}), "P")
    html = post_element(client, review, "purpose", data, action="later").content.decode()
    assert error_beside(html, f"id_score_{p2.id}") == "Select a level from 1 to 4 for P2."


def test_an_empty_rationale_is_refused_on_submit_and_shown_on_its_element_page(client, review):
    g1 = criterion("G1")
    html = post(client, review, score_post(rationale=TYPED, overrides={f"rationale_{g1.id}": ""})).content.decode()
    link = element_url(review, "governance") + f"?check=yes#id_rationale_{g1.id}"
    assert link in summary_links(html)
    page = client.get(link.split("#")[0]).content.decode()
    assert error_beside(page, f"id_rationale_{g1.id}") == "Enter a rationale for G1."
    assert_element_kept(page, "G", skip_rationale_of="G1")


def test_a_too_short_rationale_stops_save_and_continue_and_is_kept_as_typed(client, review):
    g2 = criterion("G2")
    data = on_element(score_post(rationale=TYPED, overrides={f"rationale_{g2.id}": "Too short."}), "G")
    response = post_element(client, review, "governance", data)
    html = response.content.decode()
    assert response.status_code == 200  # stays on the element page
    assert error_beside(html, f"id_rationale_{g2.id}") == "The rationale for G2 must be at least 20 characters."
    assert ">\nToo short.</textarea>" in html
    assert_element_kept(html, "G")
    assert CriterionScore.objects.get(review=review, criterion=g2).rationale == "Too short."  # saved as a draft


def test_save_and_continue_goes_to_the_next_element_and_the_last_to_the_check_page(client, review):
    purpose = on_element(score_post(rationale=TYPED), "P")
    assert post_element(client, review, "purpose", purpose)["Location"] == element_url(review, "governance")
    value = on_element(score_post(rationale=TYPED), "V")
    assert post_element(client, review, "value", value)["Location"] == f"/reviewer/reviews/{review.id}/submit/"


def test_a_forged_criterion_id_is_refused_and_nothing_is_lost(client, review):
    data = on_element(score_post(rationale=TYPED), "P") | {"score_999999": "3", "rationale_999999": "Forged"}
    html = post_element(client, review, "purpose", data).content.decode()
    assert "not part of this review&#x27;s framework (id 999999)" in html
    assert 'id="scoring-error"' in html  # beside the form it concerns, and in the summary
    assert "There is a problem" in html
    assert_element_kept(html, "P")
    assert not CriterionScore.objects.filter(review=review).exists()


def test_a_draft_may_be_partial_and_is_there_on_the_next_visit(client, review):
    p1, p2 = criterion("P1"), criterion("P2")
    data = {f"score_{p1.id}": "2", f"rationale_{p2.id}": "Half-formed"}
    response = post_element(client, review, "purpose", data, action="later")
    assert response["Location"] == f"/reviewer/reviews/{review.id}/"
    html = client.get(element_url(review, "purpose")).content.decode()
    assert re.search(rf'id="id_score_{p1.id}_1"[^>]*checked', html)
    assert ">\nHalf-formed</textarea>" in html
    assert Review.objects.get(pk=review.pk).state == ReviewState.IN_PROGRESS
    tasks = client.get(f"/reviewer/reviews/{review.id}/").content.decode()
    assert re.search(r'task-purpose-status">.*In progress', tasks)
    assert re.search(r'task-governance-status">.*Not started', tasks)


def test_saving_one_element_leaves_the_other_elements_and_the_overall_comment_as_they_were(client, review):
    post(client, review, score_post(action="draft", rationale=TYPED))
    before = sorted(CriterionScore.objects.filter(review=review).values_list("criterion_id", "score", "rationale"))
    p1 = criterion("P1")
    data = on_element(score_post(rationale=TYPED), "P") | {f"score_{p1.id}": "1"}
    post_element(client, review, "purpose", data)
    rows = CriterionScore.objects.filter(review=review).values_list("criterion_id", "score", "rationale")
    after = {cid: (s, r) for cid, s, r in rows}
    assert after == {cid: ((1, r) if cid == p1.id else (s, r)) for cid, s, r in before}
    assert Review.objects.get(pk=review.pk).overall_comment == "A strong programme overall."


def test_submitting_needs_the_no_conflict_confirmation(client, review):
    for letter, key in (("P", "purpose"), ("G", "governance"), ("R", "process"), ("D", "definitions")):
        post_element(client, review, key, on_element(score_post(), letter))
    post_element(client, review, "value", on_element(score_post(), "V"))
    response = client.post(f"/reviewer/reviews/{review.id}/submit/", {"action": "submit", "overall_comment": "Fine."})
    html = response.content.decode()
    assert "#id_no_conflict_confirmed" in summary_links(html)
    assert error_beside(html, "id_no_conflict_confirmed").startswith("Confirm that you have no conflict of interest")
    assert ">\nFine.</textarea>" in html
    assert Review.objects.get(pk=review.pk).state == ReviewState.IN_PROGRESS
    data = {"action": "submit", "overall_comment": "Fine.", "no_conflict_confirmed": "on"}
    assert client.post(f"/reviewer/reviews/{review.id}/submit/", data).status_code == 302
    assert Review.objects.get(pk=review.pk).state == ReviewState.SUBMITTED


def test_a_submitted_review_is_read_only_and_a_second_submission_is_harmless(client, review):
    post(client, review, score_post())
    submitted_at = Review.objects.get(pk=review.pk).submitted_at
    again = client.post(f"/reviewer/reviews/{review.id}/", score_post(scores=1), follow=True).content.decode()
    assert "can no longer be changed" in again
    assert 'type="radio"' not in again
    review.refresh_from_db()
    assert (review.state, review.submitted_at) == (ReviewState.SUBMITTED, submitted_at)
    assert set(review.scores.values_list("score", flat=True)) == {3}


def test_the_element_pages_show_guidance_and_the_four_level_descriptors_for_every_criterion(client, review):
    keys = ("purpose", "governance", "process", "definitions", "value")
    html = "".join(client.get(element_url(review, key)).content.decode() for key in keys)
    for c in criteria():
        assert f"{c.code} {c.title}" in html
        assert escape(c.guidance) in html
        for descriptor in c.descriptors.all():
            assert escape(descriptor.descriptor) in html
    for name in ("1 Limited", "2 Developing", "3 Secure", "4 Exemplary"):
        assert name in html
    assert "At least 20 characters" in html


def test_a_five_level_framework_gets_five_radios_per_criterion_and_level_five_is_saved(client, reviewer, provider):
    from tests.ratings.helpers import publish_framework_version

    framework = publish_framework_version(levels={5: "Outstanding"}, band_thresholds={"Exemplary": "4.25"})
    programme = factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW)
    review = factories.make_review(programme, reviewer, state=ReviewState.ASSIGNED, scores=None, framework=framework)
    client.force_login(reviewer)
    html = client.get(element_url(review, "purpose")).content.decode()
    p1 = criteria(framework)[0]
    assert html.count(f'name="score_{p1.id}"') == 5 and "5 Outstanding" in html
    data = {f"score_{p1.id}": "5", f"rationale_{p1.id}": TYPED, "action": "later"}
    assert post_element(client, review, "purpose", data, action="later").status_code == 302
    assert CriterionScore.objects.get(review=review, criterion=p1).score == 5
    refused = post_element(client, review, "purpose", {f"score_{p1.id}": "6"}, action="later").content.decode()
    assert error_beside(refused, f"id_score_{p1.id}") == "Select a level from 1 to 5 for P1."
