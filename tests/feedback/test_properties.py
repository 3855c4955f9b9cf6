"""Participant feedback never changes the expert rating (hypothesis), each example rolled back."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback import engine, services
from feedback.models import Questionnaire
from qaportal.roles import Role
from ratings.engine import recompute_all, recompute_programme
from ratings.models import ProgrammeRating, ProviderRating, RatingHistory
from tests import factories
from tests.ratings.test_properties import EXAMPLES, build, in_rollback, programme_reviews

pytestmark = pytest.mark.django_db

answer_sets = st.lists(st.integers(1, 4), min_size=4, max_size=4)
# Per programme: the responses its participants give (each a list of four answers).
feedback_per_programme = st.lists(st.lists(answer_sets, max_size=8), min_size=1, max_size=3)


def expert_snapshot() -> tuple:
    return (
        list(ProgrammeRating.objects.order_by("pk").values()),
        list(ProviderRating.objects.order_by("pk").values()),
        list(RatingHistory.objects.order_by("pk").values()),
    )


def give_feedback(programme_ids: list[int], feedback: list[list[list[int]]]) -> None:
    from django.utils import timezone

    from programmes.models import Programme

    editor = factories.make_user(role=Role.PROVIDER_EDITOR)
    codes = list(Questionnaire.objects.get(is_live=True).questions.values_list("code", flat=True))
    for programme_id, responses in zip(programme_ids, feedback, strict=False):
        programme = Programme.objects.get(pk=programme_id)
        programme.provider.editors.add(editor)
        feedback_round = services.feedback_round_create(
            programme=programme, by=editor, cohort_label="Property cohort", cohort_size=max(len(responses), 1),
            closes_on=timezone.localdate() + timedelta(days=7),
        )  # fmt: skip
        for code, given_answers in zip(feedback_round.links.values_list("code", flat=True), responses, strict=False):
            services.response_submit(code=code, answers=dict(zip(codes, given_answers, strict=True)), comment="Good")


@EXAMPLES
@given(register=st.lists(programme_reviews, min_size=1, max_size=3), feedback=feedback_per_programme)
def test_participant_responses_never_change_the_expert_rating(register, feedback):
    def check():
        programme_ids = build(register)
        recompute_all()
        before = expert_snapshot()

        give_feedback(programme_ids, feedback)
        engine.recompute_all()
        engine.recompute_programmes(programme_ids=programme_ids)
        recompute_all()
        for programme_id in programme_ids:
            recompute_programme(programme_id=programme_id)

        assert expert_snapshot() == before

    in_rollback(check)
