"""Convenors define the questionnaire as data and publish it as new versions."""

import pytest

from feedback.models import Question, Questionnaire
from tests.feedback.conftest import start_round

pytestmark = pytest.mark.django_db

QUESTIONS = "changed-practice: Taking part changed my practice\nconfidence: I am more confident leading my team"


def settings_post(**changes) -> dict:
    values = {
        "name": "Participant questionnaire", "introduction": "", "scale_max": "5",
        "scale_low_label": "Strongly disagree", "scale_high_label": "Strongly agree", "prior_weight": "8",
        "min_responses": "6", "burst_minutes": "10", "burst_share": "0.6", "identical_share": "0.5",
        "questions": QUESTIONS,
    }  # fmt: skip
    values.update(changes)
    return values


def test_a_convenor_publishes_a_new_version_that_new_rounds_use(client, convenor, programme, provider_editor):
    old_round = start_round(programme, provider_editor)
    client.force_login(convenor)
    draft_page = client.post("/convenor/feedback/questionnaire/new/")
    assert draft_page["Location"] == "/convenor/feedback/questionnaire/2/"

    client.post("/convenor/feedback/questionnaire/2/", {**settings_post(), "publish": ""})

    live = Questionnaire.objects.get(is_live=True)
    assert (live.version, live.scale_max, live.prior_weight, live.min_responses) == (2, 5, 8, 6)
    assert list(live.questions.values_list("code", flat=True)) == ["changed-practice", "confidence"]
    assert start_round(programme, provider_editor).questionnaire == live
    old_round.refresh_from_db()
    assert old_round.questionnaire.version == 1 and old_round.questionnaire.questions.count() == 4
    assert client.get("/convenor/feedback/questionnaire/1/").status_code == 404


def test_bad_questions_are_named_by_line_and_nothing_typed_is_lost(client, convenor):
    client.force_login(convenor)
    client.post("/convenor/feedback/questionnaire/new/")

    page = client.post("/convenor/feedback/questionnaire/2/", settings_post(questions="no colon here\nok: Fine",
                                                                            burst_share="3"))  # fmt: skip

    body = page.content.decode()
    assert page.status_code == 400
    assert "Line 1: write a code, a colon, then the question" in body
    assert "Enter a share between 0 and 1" in body
    assert "no colon here" in body
    duplicate = client.post("/convenor/feedback/questionnaire/2/", settings_post(questions="a: One\na: Two"))
    assert "used more than once: a" in duplicate.content.decode()
    assert Question.objects.filter(questionnaire__version=2).count() == 4  # the copy, unchanged
