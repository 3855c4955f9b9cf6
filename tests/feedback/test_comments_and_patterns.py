"""Comments are published only after a convenor approves them; convenors see unusual rounds."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback import patterns, services
from feedback.models import CommentStatus, ParticipantLink, ParticipantResponse
from qaportal.errors import NotPermitted
from tests.feedback.conftest import answer_all, answers, codes_of, start_round

pytestmark = pytest.mark.django_db


def test_a_comment_reaches_the_programme_page_only_once_a_convenor_publishes_it(
    client, programme, feedback_round, convenor
):
    answer_all(feedback_round, [4], comment="My year 2 readers are flying.")
    assert "flying" not in client.get(programme.get_absolute_url()).content.decode()
    response = ParticipantResponse.objects.get()

    client.force_login(convenor)
    queue = client.get("/convenor/feedback/")
    assert "My year 2 readers are flying." in queue.content.decode()
    client.post(f"/convenor/feedback/comments/{response.id}/", {"decision": "approve"})
    client.logout()

    page = client.get(programme.get_absolute_url()).content.decode()
    assert "My year 2 readers are flying." in page
    assert ParticipantResponse.objects.get().comment_status == CommentStatus.APPROVED


def test_a_rejected_comment_stays_off_the_register(client, programme, feedback_round, convenor):
    answer_all(feedback_round, [2], comment="Ask for Jo Bloggs at Hill School.")
    client.force_login(convenor)
    client.post(f"/convenor/feedback/comments/{ParticipantResponse.objects.get().id}/", {"decision": "reject"})

    assert "Jo Bloggs" not in client.get(programme.get_absolute_url()).content.decode()
    assert "Jo Bloggs" not in client.get("/convenor/feedback/").content.decode()


def test_only_convenors_moderate_comments(client, feedback_round, provider_editor):
    answer_all(feedback_round, [3], comment="Fine.")
    response = ParticipantResponse.objects.get()
    with pytest.raises(NotPermitted):
        services.comment_moderate(response=response, by=provider_editor, approve=True)
    client.force_login(provider_editor)
    assert client.post(f"/convenor/feedback/comments/{response.id}/", {"decision": "approve"}).status_code == 403
    assert ParticipantResponse.objects.get().comment_status == CommentStatus.PENDING


def test_a_round_answered_within_minutes_by_most_of_its_cohort_is_flagged(programme, provider_editor):
    quick = start_round(programme, provider_editor, size=6, label="Quick cohort")
    answer_all(quick, [4, 3, 2, 4, 3])

    flagged = {row.cohort_label: row for row in patterns.unusual_rounds()}

    assert "5 of 6 links used within 10 minutes" in flagged["Quick cohort"].reasons


def test_a_round_answered_over_days_with_varied_answers_is_not_flagged(programme, provider_editor):
    steady = start_round(programme, provider_editor, size=10, label="Steady cohort")
    questionnaire = steady.questionnaire
    for day, (code, values) in enumerate(
        zip(codes_of(steady), [[4, 3, 3, 4], [2, 3, 3, 2], [3, 4, 2, 3]], strict=False)
    ):
        services.response_submit(code=code, answers=answers(questionnaire, values))
        ParticipantLink.objects.filter(code=code).update(used_at=timezone.now() - timedelta(days=day))

    assert patterns.unusual_rounds() == []


def test_identical_answers_are_flagged(client, programme, provider_editor, convenor):
    same = start_round(programme, provider_editor, size=40, label="Same-answer cohort")
    answer_all(same, [4, 4, 4, 4, 2])

    reasons = {row.cohort_label: row.reasons for row in patterns.unusual_rounds()}["Same-answer cohort"]

    assert reasons == ["4 of 5 responses gave exactly the same answers"]
    client.force_login(convenor)
    assert "4 of 5 responses gave exactly the same answers" in client.get("/convenor/feedback/").content.decode()
