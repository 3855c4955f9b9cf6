"""The participant score: a Bayesian average toward the register-wide participant mean, shown only
from the questionnaire's minimum number of responses, with the response count and rate."""

import pytest

from feedback import engine, services
from feedback.models import ParticipantPrior, ParticipantRating, Question, Questionnaire, StaleParticipantRating
from tests import factories
from tests.feedback.conftest import answer_all, start_round

pytestmark = pytest.mark.django_db


def recompute(*programmes) -> dict[int, ParticipantRating]:
    engine.recompute_all()
    return ParticipantRating.objects.in_bulk([programme.id for programme in programmes])


def test_below_the_minimum_only_the_counts_are_kept(programme, feedback_round):
    answer_all(feedback_round, [4, 4, 4, 4])

    rating = recompute(programme)[programme.id]

    assert (rating.response_count, rating.links_issued, rating.response_rate) == (4, 10, 0.4)
    assert rating.shown_score is None and rating.raw_mean is None and rating.question_means == {}


def test_from_the_minimum_the_score_is_shrunk_toward_the_register_mean(programme, provider_editor, feedback_round):
    other = factories.make_programme(programme.provider)
    answer_all(start_round(other, provider_editor, size=5), [1, 1, 1, 1, 1])
    answer_all(feedback_round, [4, 4, 4, 4, 3])

    ratings = recompute(programme, other)

    # Shares of the 1–4 scale: this programme's mean is (4 × 1 + 2/3) / 5; the register's mean
    # is that over all ten responses. Shown = (n·mean + m·prior) / (n + m), on the 1–4 scale.
    own, register = (4 + 2 / 3) / 5, (4 + 2 / 3) / 10
    expected = 1 + 3 * (5 * own + 10 * register) / (5 + 10)
    rating = ratings[programme.id]
    assert rating.shown_score == pytest.approx(expected)
    assert rating.raw_mean == pytest.approx(1 + 3 * own)
    assert rating.prior == pytest.approx(1 + 3 * register)
    assert rating.question_means["changed-practice"] == pytest.approx(1 + 3 * (4 + 2 / 3) / 5)
    assert rating.response_rate == 0.5
    assert ratings[other.id].shown_score < ratings[other.id].prior


def test_the_weight_and_minimum_are_settings_of_the_live_questionnaire(programme, feedback_round, convenor):
    draft = services.questionnaire_draft_start(by=convenor)
    Questionnaire.objects.filter(pk=draft.pk).update(prior_weight=0, min_responses=2)
    services.questionnaire_publish(draft=draft, by=convenor)
    answer_all(feedback_round, [4, 2])

    rating = recompute(programme)[programme.id]

    assert rating.shown_score == pytest.approx(1 + 3 * (1 + 1 / 3) / 2)
    assert (rating.prior_weight, rating.min_responses) == (0, 2)


def test_answers_on_a_one_to_five_scale_count_on_the_live_scale(programme, provider_editor, feedback_round, convenor):
    answer_all(feedback_round, [4, 4, 4, 4, 4])
    draft = services.questionnaire_draft_start(by=convenor)
    Questionnaire.objects.filter(pk=draft.pk).update(scale_max=5)
    services.questionnaire_publish(draft=draft, by=convenor)
    answer_all(start_round(programme, provider_editor, size=5), [5, 5, 5, 5, 5])

    rating = recompute(programme)[programme.id]

    assert (rating.scale_max, rating.raw_mean, rating.response_count) == (5, 5.0, 10)


def test_a_response_marks_the_rating_stale_in_its_own_transaction_and_the_sweep_repairs_it(programme, feedback_round):
    StaleParticipantRating.objects.all().delete()
    answer_all(feedback_round, [3])

    assert StaleParticipantRating.objects.filter(programme=programme).exists()
    assert services.stale_participant_ratings_sweep() == 1
    assert not StaleParticipantRating.objects.exists()
    assert ParticipantRating.objects.get(programme=programme).response_count == 1


def test_the_per_programme_path_and_the_whole_register_path_agree(programme, provider_editor, feedback_round):
    other = factories.make_programme(programme.provider)
    answer_all(start_round(other, provider_editor, size=6), [2, 3, 1, 2, 4, 2])
    answer_all(feedback_round, [4, 3, 4, 4, 3, 2, 4])
    engine.refresh_prior()
    engine.recompute_programmes(programme_ids=[programme.id, other.id])
    one_by_one = {r.programme_id: (r.shown_score, r.raw_mean) for r in ParticipantRating.objects.all()}

    engine.recompute_all()

    assert {r.programme_id: (r.shown_score, r.raw_mean) for r in ParticipantRating.objects.all()} == one_by_one
    assert ParticipantPrior.objects.get().response_count == 13


def test_a_published_questionnaire_never_changes(questionnaire, convenor):
    from django.db import IntegrityError, transaction

    from qaportal.errors import InvalidTransition

    with pytest.raises(InvalidTransition):
        services.questionnaire_draft_update(draft=questionnaire, by=convenor, values={}, questions=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        Questionnaire.objects.filter(pk=questionnaire.pk).update(min_responses=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.filter(questionnaire=questionnaire).update(text="Something else")
