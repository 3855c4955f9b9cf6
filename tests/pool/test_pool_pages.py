"""The pool's web pages: every page × every role (the web side of the permission matrix), what
each person sees, and the query counts of the list pages."""

import pytest

from pool import calibration, services
from pool.models import ApplicationStatus, CalibrationExercise, ReviewerApplication, ReviewerProfile, ReviewerStatus
from programmes.models import Programme
from reviews.models import Affiliation, Review
from tests import factories
from tests.pool.calibration_data import inputs, make_open_exercise, reference_levels
from tests.pool.conftest import pool_reviewer, queued_programme
from tests.role_matrix import assert_role_gets, statuses
from tests.workflow.conftest import criteria

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "provider_editor", "reviewer", "other_reviewer", "convenor"]


def only(allowed: dict, *, otherwise: int) -> dict:
    return statuses(ROLES, allowed, otherwise=otherwise)


CONVENOR_PAGE = only({"convenor": 200}, otherwise=403)
CONVENOR_ACTION = only({"convenor": 302}, otherwise=403)
REVIEWER_PAGE = only({"reviewer": 200, "other_reviewer": 200}, otherwise=403)
OWN_ATTEMPT = only({"reviewer": 200, "other_reviewer": 404}, otherwise=403)

PAGES = [
    ("get", "/pool/apply/", only({"reviewer": 302, "other_reviewer": 302}, otherwise=200)),
    ("get", "/pool/application/", only({}, otherwise=200)),
    ("get", "/reviewer/calibration/", REVIEWER_PAGE),
    ("post", "/reviewer/calibration/start/", only({"reviewer": 302, "other_reviewer": 302}, otherwise=403)),
    ("get", "/reviewer/calibration/{draft_attempt}/", OWN_ATTEMPT),
    ("get", "/reviewer/calibration/{done_attempt}/result/", OWN_ATTEMPT),
    ("get", "/reviewer/affiliations/{affiliation}/end/", only({"reviewer": 200, "other_reviewer": 404}, otherwise=403)),
    ("get", "/convenor/pool/", CONVENOR_PAGE),
    ("get", "/convenor/pool/reviewers/reviewer-rob/", CONVENOR_PAGE),
    ("get", "/convenor/pool/applications/", CONVENOR_PAGE),
    ("get", "/convenor/pool/applications/{application}/", CONVENOR_PAGE),
    ("post", "/convenor/pool/applications/{application}/accept/", CONVENOR_ACTION),
    ("get", "/convenor/pool/calibration/", CONVENOR_PAGE),
    ("get", "/convenor/pool/calibration/{exercise}/", CONVENOR_PAGE),
    ("get", "/convenor/pool/suggestions/", CONVENOR_PAGE),
    ("post", "/convenor/pool/suggestions/", CONVENOR_ACTION),
    ("get", "/convenor/programmes/{queued}/reviewers/", CONVENOR_PAGE),
    ("post", "/convenor/programmes/{queued}/reviewers/", CONVENOR_ACTION),
]


@pytest.fixture
def pool_world(provider, reviewer, convenor, role_users, sample_programme):
    exercise = make_open_exercise(programme=sample_programme, convenor=convenor)
    second = make_open_exercise(programme=sample_programme, convenor=convenor, title="Second sample")
    done = calibration.attempt_start(reviewer=reviewer)
    calibration.attempt_submit(attempt=done, by=reviewer, scores=inputs(reference_levels()))
    draft = calibration.attempt_start(reviewer=reviewer)
    assert draft.exercise_id != done.exercise_id and {done.exercise_id, draft.exercise_id} == {exercise.id, second.id}
    application = services.application_submit(
        applicant=factories.make_user("applicant-abe"),
        current_role="Head of maths",
        experience="Ran a maths hub's CPD programme for five years.",
        phases=["secondary"],
        focus_levels=["middle-leader"],
        regions=["london"],
        organisations="Eastside Maths Hub\nNorthgate Learning Trust; left 31/7/2024",
    )
    affiliation = Affiliation.objects.create(reviewer=reviewer, organisation_name="Old School Trust")
    users = role_users
    names = {
        "draft_attempt": draft.id,
        "done_attempt": done.id,
        "affiliation": affiliation.id,
        "application": application.id,
        "exercise": exercise.id,
        "queued": queued_programme(provider).slug,
    }
    return users, names


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template", "expected"), PAGES, ids=[f"{m.upper()} {t}" for m, t, _ in PAGES])
def test_each_role_gets_what_the_rules_say_on_the_pool_pages(client, pool_world, role, method, template, expected):
    users, names = pool_world
    assert_role_gets(client, users, role, method, template.format(**names), expected[role])


def test_reviewer_measures_are_never_on_a_public_or_reviewers_page(client, pool_world, reviewer, convenor):
    marker = "with co-reviewers"
    client.force_login(convenor)
    assert marker in client.get("/convenor/pool/").content.decode()
    client.force_login(reviewer)
    for url in ("/reviewer/", "/reviewer/calibration/", "/pool/application/"):
        assert marker not in client.get(url).content.decode()
    client.logout()
    assert "reviewer-rob" not in client.get("/programmes/").content.decode()


def test_an_application_is_refused_beside_each_field_and_keeps_what_was_typed(client, outsider):
    client.force_login(outsider)
    response = client.post(
        "/pool/apply/",
        {"current_role": "Deputy head", "experience": "", "organisations": "Northgate; left 31/13/2024"},
    )
    html = response.content.decode()
    assert "Tell us about your experience of professional development." in html
    assert "Select the school phases you know." in html
    assert "Select the staff whose development you know." in html
    assert 'value="Deputy head"' in html
    assert not ReviewerApplication.objects.exists()
    response = client.post(
        "/pool/apply/",
        {
            "current_role": "Deputy head",
            "experience": "Ran the trust's CPD.",
            "phases": ["primary"],
            "focus_levels": ["teacher"],
            "organisations": "Northgate; left 31/13/2024",
        },
    )
    assert "Line 1: write the date you left as day/month/year" in response.content.decode()


def test_accepting_puts_the_applicant_in_training_with_their_organisations_as_conflicts(
    client, pool_world, convenor, provider
):
    _, names = pool_world
    client.force_login(convenor)
    page = client.get(f"/convenor/pool/applications/{names['application']}/").content.decode()
    assert "Eastside Maths Hub" in page and "Head of maths" in page
    client.post(f"/convenor/pool/applications/{names['application']}/accept/")
    application = ReviewerApplication.objects.get(pk=names["application"])
    assert application.status == ApplicationStatus.ACCEPTED
    profile = ReviewerProfile.objects.get(reviewer=application.applicant)
    assert profile.status == ReviewerStatus.IN_TRAINING and set(profile.phases) == {"secondary"}
    affiliations = {a.organisation_name: a for a in Affiliation.objects.filter(reviewer=application.applicant)}
    assert affiliations["Northgate Learning Trust"].provider == provider
    assert affiliations["Northgate Learning Trust"].ended_on.isoformat() == "2024-07-31"
    assert affiliations["Eastside Maths Hub"].ended_on is None
    again = client.post(f"/convenor/pool/applications/{names['application']}/accept/", follow=True)
    assert "already been accepted" in again.content.decode()


def test_declining_needs_a_reason_and_the_applicant_reads_it(client, pool_world, convenor):
    _, names = pool_world
    client.force_login(convenor)
    empty = client.post(f"/convenor/pool/applications/{names['application']}/", {"reason": ""})
    assert "Give the reason for declining" in empty.content.decode()
    client.post(f"/convenor/pool/applications/{names['application']}/", {"reason": "We need primary reviewers now."})
    application = ReviewerApplication.objects.get(pk=names["application"])
    client.force_login(application.applicant)
    assert "We need primary reviewers now." in client.get("/pool/application/").content.decode()


def test_the_pool_list_shows_measures_with_their_counts_in_few_queries(
    client, pool_world, convenor, django_assert_max_num_queries
):
    for number in range(30):
        pool_reviewer(f"listed-{number:02d}")
    client.force_login(convenor)
    with django_assert_max_num_queries(12):
        html = client.get("/convenor/pool/").content.decode()
    assert "listed-00" in html and "of 4" in html and "with co-reviewers" in html


def test_the_choose_page_lists_everyone_with_conflicts_refused_in_few_queries(
    client, pool_world, convenor, provider, django_assert_max_num_queries
):
    _, names = pool_world
    for number in range(30):
        pool_reviewer(f"choice-{number:02d}")
    conflicted = pool_reviewer("conflicted-carl")
    Affiliation.objects.create(reviewer=conflicted, provider=provider, organisation_name=provider.name)
    client.force_login(convenor)
    with django_assert_max_num_queries(14):
        html = client.get(f"/convenor/programmes/{names['queued']}/reviewers/?q=carl").content.decode()
    assert "conflicted-carl is affiliated with Northgate Learning Trust (currently)" in html
    assert "Refused" in html
    response = client.post(
        f"/convenor/programmes/{names['queued']}/reviewers/", {"assign": f"0:{conflicted.id}"}, follow=True
    )
    assert "Choose a reviewer to assign." in response.content.decode()


def test_the_reference_form_keeps_what_the_convenor_typed_when_opening_is_refused(client, convenor, sample_programme):
    client.force_login(convenor)
    client.post("/convenor/pool/calibration/", {"title": "Sample", "programme": sample_programme.slug})
    exercise_id = CalibrationExercise.objects.get().id
    p1 = criteria()[0]
    response = client.post(
        f"/convenor/pool/calibration/{exercise_id}/",
        {"action": "open", f"score_{p1.id}": "3", f"rationale_{p1.id}": "The panel agreed on secure evidence."},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a level for" in html and "The panel agreed on secure evidence." in html
    assert not Review.objects.exists()


def test_the_queue_suggestions_page_is_a_fixed_number_of_queries_however_long_the_queue(client, convenor, provider):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for number in range(8):
        pool_reviewer(f"queue-{number}", capacity=10)
    client.force_login(convenor)
    counts = []
    for total in (5, 25):
        while Programme.objects.filter(status="submitted").count() < total:
            queued_programme(provider)
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/convenor/pool/suggestions/").content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12
    assert "25 programmes awaiting reviewers" in html
    assert html.count('name="assign"') == 50


def test_an_application_with_control_characters_is_refused_beside_the_field(client, outsider):
    client.force_login(outsider)
    response = client.post(
        "/pool/apply/",
        {
            "current_role": "Deputy\x00 head",
            "experience": "Ran the trust's CPD.\nTwo lines are fine; \x07 is not.",
            "phases": ["primary"],
            "focus_levels": ["teacher"],
        },
    )

    html = response.content.decode()
    assert "Your current role must not contain control characters (it has U+0000)" in html
    assert "must not contain control characters (it has U+0007)" in html
    assert not ReviewerApplication.objects.exists()


def test_a_pool_search_with_a_control_character_is_shown_beside_the_box_not_a_server_error(client, convenor):
    factories.join_pool(factories.make_user("paused-pat"), status="paused")
    client.force_login(convenor)

    response = client.get("/convenor/pool/", {"q": "pat\x00", "status": "paused"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="pool-q-error"' in html and "control characters" in html
    # The search is left out, the valid status still applies, and the box keeps what was typed.
    assert "paused-pat" in html and 'value="pat' in html


def test_the_pool_pages_keep_a_search_with_an_ampersand_whole(client, convenor, monkeypatch):
    monkeypatch.setattr("pool.views.PAGE_SIZE", 1)
    for name in ("smith&co-1", "smith&co-2"):
        factories.join_pool(factories.make_user(name))
    client.force_login(convenor)

    response = client.get("/convenor/pool/", {"q": "smith&co", "status": "active"})

    html = response.content.decode()
    assert "q=smith%26co" in html and "status=active" in html
    assert "q=smith&amp;co" not in html
