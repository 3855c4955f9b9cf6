"""Who sees which feedback page: the provider's own editors, convenors, anyone with a link."""

import pytest

from feedback.models import ParticipantResponse
from qaportal.roles import Role
from tests import factories
from tests.feedback.conftest import answer_all, codes_of, start_round

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "provider_editor", "other_editor", "reviewer", "convenor"]


@pytest.fixture
def people(provider_editor, reviewer, convenor, outsider):
    other_editor = factories.make_user("editor-eve", role=Role.PROVIDER_EDITOR)
    factories.make_provider().editors.add(other_editor)
    return {"provider_editor": provider_editor, "other_editor": other_editor, "reviewer": reviewer,
            "convenor": convenor, "outsider": outsider}  # fmt: skip


@pytest.fixture
def urls(programme, feedback_round):
    answer_all(feedback_round, [3], comment="Good.")
    return {
        "rounds": f"/provider/feedback/programmes/{programme.slug}/",
        "round": f"/provider/feedback/rounds/{feedback_round.id}/",
        "links": f"/provider/feedback/rounds/{feedback_round.id}/links.csv",
        "overview": "/convenor/feedback/",
        "questionnaires": "/convenor/feedback/questionnaire/",
        "start": "/feedback/",
        "answer": f"/feedback/{codes_of(feedback_round)[1]}/",
    }


EDITOR_PAGE = {"anonymous": 302, "outsider": 403, "provider_editor": 200, "other_editor": 404, "reviewer": 403,
               "convenor": 403}  # fmt: skip
CONVENOR_PAGE = {"anonymous": 302, "outsider": 403, "provider_editor": 403, "other_editor": 403, "reviewer": 403,
                 "convenor": 200}  # fmt: skip
OPEN_PAGE = dict.fromkeys(ROLES, 200)
EXPECTED = {"rounds": EDITOR_PAGE, "round": EDITOR_PAGE, "links": EDITOR_PAGE, "overview": CONVENOR_PAGE,
            "questionnaires": CONVENOR_PAGE, "start": OPEN_PAGE, "answer": OPEN_PAGE}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(EXPECTED))
def test_each_role_gets_what_the_rules_say(client, people, urls, role, page):
    if role != "anonymous":
        client.force_login(people[role])

    response = client.get(urls[page])

    assert response.status_code == EXPECTED[page][role]
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")


def test_another_providers_editor_cannot_start_a_round_or_read_its_links(client, people, programme, feedback_round):
    client.force_login(people["other_editor"])
    post = client.post(f"/provider/feedback/programmes/{programme.slug}/",
                       {"cohort_label": "Ours", "cohort_size": "5", "closes_on": "01/01/2030"})  # fmt: skip
    assert post.status_code == 404
    assert programme.feedback_rounds.count() == 1


def test_only_convenors_change_the_questionnaire(client, people):
    for role in ("provider_editor", "reviewer", "outsider"):
        client.force_login(people[role])
        assert client.post("/convenor/feedback/questionnaire/new/").status_code == 403


def test_the_provider_never_sees_individual_answers_or_unpublished_comments(client, people, programme, provider_editor):
    feedback_round = start_round(programme, provider_editor, size=3, label="Small cohort")
    answer_all(feedback_round, [2], comment="A private worry about my head of department.")
    client.force_login(people["provider_editor"])

    pages = [client.get(f"/provider/feedback/programmes/{programme.slug}/"),
             client.get(f"/provider/feedback/rounds/{feedback_round.id}/")]  # fmt: skip

    assert ParticipantResponse.objects.count() == 1
    assert all("private worry" not in page.content.decode() for page in pages)
    assert "Used" not in pages[1].content.decode()
