"""A published programme of editor-ann's provider, and a helper to answer through a link."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from feedback import services
from feedback.models import FeedbackRound, Questionnaire
from tests import factories


@pytest.fixture(autouse=True)
def no_wrong_codes_counted():
    """Wrong codes are counted in the cache per address; every test starts with none."""
    cache.clear()


@pytest.fixture
def programme(provider):
    return factories.make_programme(provider, title="Leading early reading", slug="leading-early-reading")


@pytest.fixture
def questionnaire(db):
    return Questionnaire.objects.get(is_live=True)


def start_round(programme, editor, *, size: int = 10, label: str = "Spring 2026, Leeds") -> FeedbackRound:
    return services.feedback_round_create(
        programme=programme,
        by=editor,
        cohort_label=label,
        cohort_size=size,
        closes_on=timezone.localdate() + timedelta(days=30),
    )


def codes_of(feedback_round: FeedbackRound) -> list[str]:
    return list(feedback_round.links.order_by("id").values_list("code", flat=True))


def answers(questionnaire: Questionnaire, value: int | list[int]) -> dict[str, int]:
    codes = list(questionnaire.questions.values_list("code", flat=True))
    values = value if isinstance(value, list) else [value] * len(codes)
    return dict(zip(codes, values, strict=True))


def answer_all(feedback_round: FeedbackRound, values: list[int], *, comment: str = "") -> None:
    """One response per value (every question answered with it), through successive links."""
    codes = codes_of(feedback_round)
    for code, value in zip(codes, values, strict=False):
        services.response_submit(code=code, answers=answers(feedback_round.questionnaire, value), comment=comment)


@pytest.fixture
def feedback_round(programme, provider_editor):
    return start_round(programme, provider_editor)
