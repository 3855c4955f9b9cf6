"""A provider's self-assessment (issue 15): scored on the reviewers' element pages, private to the
provider's editors, never counted, and shown beside the reviewers' scores on the feedback page."""

import re

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict

from programmes.vocabulary import ProgrammeStatus
from qaportal.roles import Role
from ratings.models import ProgrammeRating
from ratings.services import programme_rating_refresh
from reviews.models import ReviewState, SelfAssessment, SelfAssessmentScore
from reviews.selectors import side_by_side
from reviews.self_assessment import self_assessment_open, self_assessment_save
from reviews.services import ScoreInput
from tests import factories
from tests.workflow.conftest import add_evidence, criteria

pytestmark = pytest.mark.django_db

SECRET = "Our own candid view: the follow-up coaching is thin this year."
ROLES = ["anonymous", "outsider", "provider_editor", "other_editor", "reviewer", "convenor", "staff"]
KEYS = ("purpose", "governance", "process", "definitions", "value")


@pytest.fixture
def people(provider_editor, reviewer, other_reviewer, convenor, outsider):
    other_editor = factories.make_user("editor-eve", role=Role.PROVIDER_EDITOR)
    factories.make_provider().editors.add(other_editor)
    staff = factories.make_user("staff-sam", is_staff=True, is_superuser=True)
    return {"provider_editor": provider_editor, "other_editor": other_editor, "reviewer": reviewer,
            "convenor": convenor, "outsider": outsider, "staff": staff}  # fmt: skip


@pytest.fixture
def reviewed(provider, reviewer, other_reviewer):
    """A published programme whose two published reviews give P1 2 and 2, P2 4 and 4, P3 3 and 4."""
    programme = add_evidence(factories.make_programme(provider, status=ProgrammeStatus.PUBLISHED, title="Phonics"))
    factories.make_review(programme, reviewer, state=ReviewState.PUBLISHED, scores={"P1": 2, "P2": 4, "P3": 3})
    factories.make_review(programme, other_reviewer, state=ReviewState.PUBLISHED, scores={"P1": 2, "P2": 4, "P3": 4})
    return programme


def own_levels(programme, editor, levels: dict[str, int], default: int = 3):
    """The editor's self-assessment of every criterion through the service the pages call."""
    assessment = self_assessment_open(programme=programme, by=editor)
    scores = {c.id: ScoreInput(levels.get(c.code, default), SECRET) for c in criteria()}
    return self_assessment_save(assessment=assessment, by=editor, scores=scores)


def read(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def pages(programme) -> dict[str, str]:
    base = f"/provider/programmes/{programme.slug}/self-assessment/"
    return {"tasks": base, "element": base + "elements/purpose/", "check": base + "check/"}


def element_post(level: int = 3, letter: str = "P", rationale: str = SECRET) -> dict:
    data = {"action": "continue"}
    for c in (c for c in criteria() if c.code.startswith(letter)):
        data |= {f"score_{c.id}": str(level), f"rationale_{c.id}": rationale}
    return data


EDITOR_ONLY = {"anonymous": 302, "outsider": 403, "provider_editor": 200, "other_editor": 404, "reviewer": 403,
               "convenor": 403, "staff": 403}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["tasks", "element", "check"])
def test_the_self_assessment_pages_open_for_the_providers_editors_alone(client, people, reviewed, role, page):
    own_levels(reviewed, people["provider_editor"], {})
    if role != "anonymous":
        client.force_login(people[role])
    url = pages(reviewed)[page]

    shown = client.get(url)
    posted = client.post(url, element_post(level=1) if page == "element" else {})

    assert shown.status_code == EDITOR_ONLY[role]
    editors_post = 405 if page == "tasks" else 302  # the task list only shows; the other pages save
    assert posted.status_code == (editors_post if role == "provider_editor" else EDITOR_ONLY[role])
    if role == "anonymous":
        assert shown["Location"].startswith("/accounts/login/")
    if role != "provider_editor":
        assert not SelfAssessmentScore.objects.filter(score=1).exists()  # nothing anyone else sent was saved


def test_no_one_but_the_providers_editors_sees_it_on_any_page_or_in_the_api(client, people, reviewed):
    own_levels(reviewed, people["provider_editor"], {"P1": 4})
    review = reviewed.reviews.first()
    urls = [
        reviewed.get_absolute_url(),
        "/programmes/export.csv",
        f"/api/v1/programmes/{reviewed.slug}/",
        f"/api/v1/programmes/{reviewed.slug}/reviews/",
        f"/api/v1/programmes/{reviewed.slug}/rating/",
        f"/api/v1/reviews/{review.id}/",
        f"/convenor/programmes/{reviewed.slug}/",
        f"/convenor/programmes/{reviewed.slug}/audit/",
        f"/convenor/reviews/{review.id}/",
        f"/reviewer/reviews/{review.id}/",
        f"/provider/programmes/{reviewed.slug}/feedback/",
        *pages(reviewed).values(),
    ]
    own_pages = pages(reviewed)
    editor_sees = {own_pages["element"], own_pages["check"], f"/provider/programmes/{reviewed.slug}/feedback/"}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(people[role])
        for url in urls:
            body = read(client.get(url))
            seen = SECRET in body or "Your self-assessment beside" in body
            assert seen == (role == "provider_editor" and url in editor_sees), (role, url)
    assert not admin.site.is_registered(SelfAssessment)  # not even staff in the admin


def test_an_editor_scores_their_programme_on_the_reviewers_element_pages_and_finishes(
    client, provider_editor, provider
):
    programme = add_evidence(factories.make_programme(provider, status=ProgrammeStatus.DRAFT, title="Phonics"))
    client.force_login(provider_editor)
    urls = pages(programme)
    home = client.get(f"/provider/programmes/{programme.slug}/").content.decode()
    assert f'href="{urls["tasks"]}"' in home
    tasks = client.get(urls["tasks"]).content.decode()
    assert tasks.count("Not started") == 5 and "never counts towards the programme" in tasks
    assert not SelfAssessment.objects.exists()  # looking starts nothing

    short = client.post(urls["element"], element_post(rationale="Too short."))
    assert short.status_code == 200
    assert "must be at least 20 characters" in short.content.decode() and "Too short." in short.content.decode()
    assert client.post(urls["element"], element_post())["Location"] == urls["tasks"] + "elements/governance/"
    refused = client.post(urls["check"]).content.decode()
    g1 = next(c for c in criteria() if c.code == "G1")
    assert f"{urls['tasks']}elements/governance/?check=yes#id_score_{g1.id}_0" in refused
    assert SelfAssessment.objects.get().completed_at is None

    for letter, key in zip("GRDV", KEYS[1:], strict=True):
        client.post(f"{urls['tasks']}elements/{key}/", element_post(letter=letter))
    assert client.post(urls["check"])["Location"] == urls["tasks"]
    assessment = SelfAssessment.objects.get()
    assert assessment.completed_at is not None and assessment.programme == programme
    assert set(assessment.scores.values_list("score", flat=True)) == {3}
    assert programme.reviews.count() == 0  # nothing here is a review


def test_a_self_assessment_never_changes_the_rating_the_moderation_or_the_export(client, people, reviewed):
    def everything():
        rating = programme_rating_refresh(programme_id=reviewed.id)
        stored = {k: v for k, v in model_to_dict(ProgrammeRating.objects.get(pk=rating.pk)).items() if k != "id"}
        stored.pop("computed_at", None)
        compared = side_by_side(programme=reviewed, reviews=list(reviewed.reviews.all()))
        export = read(client.get("/programmes/export.csv"))
        return stored, [row.scores for row in compared.rows], compared.moderation, export

    before = everything()
    own_levels(reviewed, people["provider_editor"], {}, default=1)
    low = everything()
    own_levels(reviewed, people["provider_editor"], {}, default=4)
    high = everything()

    assert before == low == high
    assert SelfAssessmentScore.objects.filter(score=4).count() == len(criteria())


def test_the_feedback_page_marks_where_the_provider_rated_itself_higher_or_lower(client, provider_editor, reviewed):
    own_levels(reviewed, provider_editor, {"P1": 4, "P2": 2, "P3": 3})
    client.force_login(provider_editor)
    html = client.get(f"/provider/programmes/{reviewed.slug}/feedback/").content.decode()

    def row(code: str) -> str:
        match = re.search(rf'<tr class="govuk-table__row" id="self-{code}">(.*?)</tr>', html, re.S)
        assert match, code
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()

    assert row("P1").endswith("4 2 2 2.00 You rated higher")
    assert row("P2").endswith("2 4 4 4.00 You rated lower")
    assert row("P3").endswith("3 3 4 3.50 In line")  # half a level is agreement
    assert row("G1").endswith("3 3 3 3.00 In line")
    assert "higher than the reviewers on 1 criterion, lower on 1 and in line on" in html
    assert "reviewer-rob" not in html and "Reviewer A" in html


def test_without_a_self_assessment_the_feedback_page_offers_one(client, provider_editor, reviewed):
    client.force_login(provider_editor)
    html = client.get(f"/provider/programmes/{reviewed.slug}/feedback/").content.decode()
    assert "You did not assess this programme yourself" in html
    assert 'id="self-P1"' not in html


def test_the_self_assessment_and_feedback_pages_take_a_fixed_number_of_queries(
    client, provider_editor, reviewed, django_assert_max_num_queries
):
    own_levels(reviewed, provider_editor, {})
    client.force_login(provider_editor)
    for url in [*pages(reviewed).values(), f"/provider/programmes/{reviewed.slug}/feedback/"]:
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


def test_a_self_assessment_uses_the_live_frameworks_own_levels(client, provider_editor, provider):
    from tests.ratings.helpers import publish_framework_version

    framework = publish_framework_version(levels={5: "Outstanding"}, band_thresholds={"Exemplary": "4.25"})
    programme = factories.make_programme(provider, status=ProgrammeStatus.DRAFT)
    client.force_login(provider_editor)
    url = pages(programme)["element"]
    p1 = criteria(framework)[0]
    assert client.get(url).content.decode().count(f'name="score_{p1.id}"') == 5
    client.post(url, {f"score_{p1.id}": "5", f"rationale_{p1.id}": SECRET, "action": "later"})
    assessment = SelfAssessment.objects.get(programme=programme)
    assert assessment.framework == framework and assessment.scores.get(criterion=p1).score == 5
