"""Participant ratings are recomputed by a real Celery worker, and by beat's sweep after an outage."""

import pytest

from feedback import services
from feedback.models import ParticipantRating, StaleParticipantRating
from tests.conftest import wait_until
from tests.feedback.conftest import answer_all, answers, codes_of
from tests.ratings.test_worker import beat_process, unreachable_broker  # noqa: F401 - a fixture and a helper

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_shows_the_participant_score_once_the_minimum_is_reached(
    celery_worker_process, programme, feedback_round
):
    answer_all(feedback_round, [4, 4, 3, 4])
    counted = wait_until(lambda: ParticipantRating.objects.filter(programme=programme, response_count=4).first())
    assert counted.shown_score is None

    services.response_submit(code=codes_of(feedback_round)[4], answers=answers(feedback_round.questionnaire, 4))

    rating = wait_until(lambda: ParticipantRating.objects.filter(programme=programme, response_count=5).first())
    assert rating.shown_score is not None and rating.response_rate == 0.5
    assert wait_until(lambda: not StaleParticipantRating.objects.exists())


def test_a_broker_outage_loses_no_response_and_beat_catches_up(
    celery_worker_process,
    beat_process,  # noqa: F811 - the fixture imported above
    programme,
    feedback_round,
    caplog,
):
    with unreachable_broker():
        answer_all(feedback_round, [4, 3, 4, 4, 2])  # must not fail the participants

    assert "Could not enqueue participant rating recompute" in caplog.text
    assert StaleParticipantRating.objects.filter(programme=programme).exists()
    beat_process()
    rating = wait_until(lambda: ParticipantRating.objects.filter(programme=programme, response_count=5).first(), 30)
    assert rating.shown_score is not None
    assert wait_until(lambda: not StaleParticipantRating.objects.exists(), timeout=5)
