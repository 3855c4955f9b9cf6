"""A provider editor starts a feedback round for a cohort and gets single-use links."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback import services
from feedback.models import FeedbackRound
from programmes.vocabulary import ProgrammeStatus
from qaportal.errors import NotPermitted, ValidationFailed
from tests import factories
from tests.feedback.conftest import codes_of, start_round

pytestmark = pytest.mark.django_db


def test_a_round_has_one_distinct_code_per_participant(programme, provider_editor, questionnaire):
    feedback_round = start_round(programme, provider_editor, size=25)

    codes = codes_of(feedback_round)
    assert len(codes) == 25 == len(set(codes))
    assert all(len(code) == 10 and set(code) <= set(services.CODE_ALPHABET) for code in codes)
    assert feedback_round.questionnaire == questionnaire


def test_it_refuses_bad_rounds_with_a_reason_per_field(programme, provider_editor):
    with pytest.raises(ValidationFailed) as refused:
        services.feedback_round_create(
            programme=programme, by=provider_editor, cohort_label=" ", cohort_size=0,
            closes_on=timezone.localdate() - timedelta(days=1),
        )  # fmt: skip
    assert set(refused.value.field_errors) == {"cohort_label", "cohort_size", "closes_on"}
    assert "today or in the future" in refused.value.field_errors["closes_on"][0]
    with pytest.raises(ValidationFailed, match="at most 1000"):
        start_round(programme, provider_editor, size=1001)
    assert not FeedbackRound.objects.exists()


def test_only_the_providers_editors_start_rounds_on_published_programmes(programme, provider_editor, convenor):
    with pytest.raises(NotPermitted):
        start_round(programme, convenor)
    other_editor = factories.make_user("editor-eve", role="provider-editor")
    factories.make_provider().editors.add(other_editor)
    with pytest.raises(NotPermitted):
        start_round(programme, other_editor)
    draft = factories.make_programme(programme.provider, status=ProgrammeStatus.DRAFT)
    with pytest.raises(NotPermitted):
        start_round(draft, provider_editor)


def test_the_editor_starts_a_round_on_the_web_and_sees_its_links(client, programme, provider_editor):
    client.force_login(provider_editor)
    closes = (timezone.localdate() + timedelta(days=14)).strftime("%d/%m/%Y")

    response = client.post(
        f"/provider/feedback/programmes/{programme.slug}/",
        {"cohort_label": "Autumn 2026", "cohort_size": "3", "closes_on": closes},
        follow=True,
    )

    assert response.status_code == 200
    feedback_round = FeedbackRound.objects.get()
    assert "3 single-use links are ready" in response.content.decode()
    for code in codes_of(feedback_round):
        assert f"/feedback/{code}/" in response.content.decode()
    links_csv = client.get(f"/provider/feedback/rounds/{feedback_round.id}/links.csv")
    assert links_csv["Content-Type"].startswith("text/csv")
    assert len(links_csv.content.decode().strip().splitlines()) == 4


def test_a_wrong_round_keeps_what_the_editor_typed(client, programme, provider_editor):
    client.force_login(provider_editor)

    response = client.post(
        f"/provider/feedback/programmes/{programme.slug}/",
        {"cohort_label": "Autumn 2026", "cohort_size": "lots", "closes_on": "31/02/2026"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the number of participants as a whole number" in page
    assert "Enter the closing date as day/month/year" in page
    assert 'value="Autumn 2026"' in page
    assert not FeedbackRound.objects.exists()


def test_the_round_pages_list_rounds_with_a_constant_number_of_queries(
    client, programme, provider_editor, django_assert_max_num_queries
):
    for number in range(4):
        start_round(programme, provider_editor, size=3, label=f"Cohort {number}")
    client.force_login(provider_editor)
    with django_assert_max_num_queries(12):
        response = client.get(f"/provider/feedback/programmes/{programme.slug}/")
    assert response.content.decode().count("/provider/feedback/rounds/") == 4
