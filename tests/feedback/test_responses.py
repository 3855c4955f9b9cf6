"""Participants answer through their link, once, without an account and without being identified."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback import services
from feedback.models import CommentStatus, FeedbackRound, ParticipantLink, ParticipantResponse
from qaportal.errors import InvalidTransition, ValidationFailed
from tests.feedback.conftest import answers, codes_of

pytestmark = pytest.mark.django_db


def form_data(questionnaire, value, comment=""):
    return {**{code: str(answer) for code, answer in answers(questionnaire, value).items()}, "comment": comment}


def test_a_participant_answers_through_their_link_without_signing_in(client, feedback_round, questionnaire):
    code = codes_of(feedback_round)[0]

    page = client.get(f"/feedback/{code}/")
    assert page.status_code == 200
    assert "Taking part changed my practice" in page.content.decode()
    done = client.post(f"/feedback/{code}/", form_data(questionnaire, [4, 3, 3, 4], "It changed how I teach."))

    assert done.status_code == 302 and done["Location"] == "/feedback/thank-you/"
    response = ParticipantResponse.objects.get()
    assert response.answers == dict(zip(answers(questionnaire, 1), [4, 3, 3, 4], strict=True))
    assert response.score == pytest.approx((3 + 2 + 2 + 3) / 12)
    assert response.comment_status == CommentStatus.PENDING


def test_a_link_gives_one_response_and_is_then_refused(client, feedback_round, questionnaire):
    code = codes_of(feedback_round)[0]
    client.post(f"/feedback/{code}/", form_data(questionnaire, 3))

    again = client.post(f"/feedback/{code}/", form_data(questionnaire, 1))

    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert ParticipantResponse.objects.count() == 1
    with pytest.raises(InvalidTransition):
        services.response_submit(code=code, answers=answers(questionnaire, 2))


def test_nothing_in_a_response_points_back_at_the_participant_or_their_link(feedback_round, questionnaire):
    services.response_submit(code=codes_of(feedback_round)[3], answers=answers(questionnaire, 3))

    fields = {field.name for field in ParticipantResponse._meta.get_fields()}
    assert "link" not in fields and not any(name.endswith("_at") and "moderated" not in name for name in fields)
    assert ParticipantResponse._meta.pk.get_internal_type() == "UUIDField"
    assert ParticipantResponse.objects.get().submitted_on == timezone.localdate()


def test_a_missing_answer_is_named_and_the_others_are_kept(client, feedback_round, questionnaire):
    code = codes_of(feedback_round)[0]
    data = form_data(questionnaire, 3, "Useful.")
    del data["pupil-impact"]

    page = client.post(f"/feedback/{code}/", data)

    body = page.content.decode()
    assert page.status_code == 200
    assert "Choose an answer for ‘I have seen an impact on my pupils&#x27; learning’" in body
    assert body.count("checked") == 3 and "Useful." in body
    assert ParticipantLink.objects.get(code=code).used_at is None


def test_the_service_refuses_answers_off_the_scale(feedback_round, questionnaire):
    with pytest.raises(ValidationFailed) as refused:
        services.response_submit(code=codes_of(feedback_round)[0], answers=answers(questionnaire, [1, 5, 0, True]))
    assert set(refused.value.field_errors) == {"pupil-impact", "sustained-support", "would-recommend"}


def test_a_closed_round_refuses_its_links(client, feedback_round, questionnaire):
    FeedbackRound.objects.filter(pk=feedback_round.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    code = codes_of(feedback_round)[0]

    page = client.get(f"/feedback/{code}/")

    assert page.status_code == 410 and "closed on" in page.content.decode()


def test_a_code_typed_from_paper_leads_to_the_questionnaire(client, feedback_round):
    code = codes_of(feedback_round)[0]

    typed = client.post("/feedback/", {"code": f" {code[:5].lower()} - {code[5:]} "})

    assert typed.status_code == 302 and typed["Location"] == f"/feedback/{code}/"
    unknown = client.post("/feedback/", {"code": "AAAAA-BBBBB"})
    assert "We do not recognise that code" in unknown.content.decode()
    assert 'value="AAAAA-BBBBB"' in unknown.content.decode()


def test_guessing_codes_is_slowed_down(client, feedback_round):
    for _ in range(20):
        client.get("/feedback/AAAAABBBBB/")
    real_code = codes_of(feedback_round)[0]
    assert client.get(f"/feedback/{real_code}/").status_code == 429


def test_a_comment_with_control_characters_is_refused_beside_it_and_kept(client, feedback_round, questionnaire):
    code = codes_of(feedback_round)[0]

    response = client.post(f"/feedback/{code}/", form_data(questionnaire, [4, 3, 3, 4], "Great\x1b[2J course.\nThanks"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "must not contain control characters (it has U+001B)" in html
    assert "course.\nThanks" in html
    assert not ParticipantResponse.objects.exists()
