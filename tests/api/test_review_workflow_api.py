"""Reviewers and convenors through the API: the same services as the web pages, so the same
rules; these tests check what the API adds — its input, its status codes and its error bodies."""

import pytest

from programmes.vocabulary import ProgrammeStatus
from qaportal.roles import Role
from ratings.models import StaleRating
from reviews.models import Affiliation, CriterionScore, Review, ReviewState
from summaries.tasks import compute_agreement
from tests.api.workflow_data import GOOD_RATIONALE, full_scores, make_mid_review, make_spare_reviewer
from tests.factories import make_programme, make_review, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def mid(provider, reviewer, other_reviewer, framework):
    return make_mid_review(provider=provider, reviewer=reviewer, other_reviewer=other_reviewer)


@pytest.fixture
def send_draft(as_user, reviewer, mid):
    """Send ``scores`` (code → score and rationale) as the reviewer's draft of their review."""

    def send(scores: dict):
        return as_user(reviewer).post(f"/api/v1/reviews/{mid.own_review.id}/draft/", {"scores": scores}, format="json")

    return send


def saved_score(review: Review, code: str) -> int | None:
    return CriterionScore.objects.get(review=review, criterion__code=code).score


def test_a_reviewer_lists_only_their_own_assignments(as_user, reviewer, mid):
    body = as_user(reviewer).get("/api/v1/assignments/").json()

    assert {entry["id"] for entry in body["results"]} == set(
        Review.objects.filter(reviewer=reviewer).values_list("id", flat=True)
    )
    own = next(entry for entry in body["results"] if entry["id"] == mid.own_review.id)
    assert own["programme"]["slug"] == mid.in_review.slug
    assert (own["state"], own["scored"]) == ("in-progress", len(full_scores()))


def test_a_reviewer_reads_their_review_and_the_evidence_portfolio(as_user, reviewer, mid):
    client = as_user(reviewer)

    review = client.get(f"/api/v1/reviews/{mid.own_review.id}/").json()
    portfolio = client.get(f"/api/v1/reviews/{mid.own_review.id}/portfolio/").json()

    assert review["scores"][0] == {"criterion": "P1", "score": 2, "rationale": "Rationale for P1."}
    assert [statement["element"] for statement in portfolio["evidence"]] == [
        "purpose",
        "governance",
        "process",
        "definitions",
        "value",
    ]
    assert portfolio["evidence"][0]["links"] == ["https://example.org/a", "https://example.org/b"]
    assert portfolio["programme"]["status"] == "in-review"


def test_a_draft_saves_what_was_sent_and_keeps_the_rest(send_draft):
    response = send_draft({"P1": {"score": 4, "rationale": "Strong diagnosis."}, "G1": {"score": None}})

    assert response.status_code == 200
    scores = {row["criterion"]: row for row in response.json()["scores"]}
    assert scores["P1"] == {"criterion": "P1", "score": 4, "rationale": "Strong diagnosis."}
    assert (scores["G1"]["score"], scores["G1"]["rationale"]) == (None, "")
    assert scores["P2"]["score"] == 3


def test_a_draft_score_outside_one_to_four_is_a_400_beside_that_criterion(send_draft, mid):
    response = send_draft({"P1": {"score": 5, "rationale": "x"}, "NOPE": {"score": 1, "rationale": ""}})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"scores.P1.score"}
    assert saved_score(mid.own_review, "P1") == 2


def test_an_unknown_criterion_code_is_a_400_and_nothing_is_saved(send_draft, mid):
    response = send_draft({"P1": {"score": 4, "rationale": ""}, "Z9": {"score": 1, "rationale": ""}})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "scores.Z9": ["There is no criterion with this code in the review's framework."]
    }
    assert saved_score(mid.own_review, "P1") == 2


def test_an_incomplete_submission_is_a_400_per_missing_item_and_keeps_what_was_typed(as_user, reviewer, mid):
    typed = full_scores()
    typed["P2"] = {"score": None, "rationale": GOOD_RATIONALE}
    typed["G1"] = {"score": 3, "rationale": "Too short."}

    response = as_user(reviewer).post(
        f"/api/v1/reviews/{mid.own_review.id}/submit/", {"scores": typed, "overall_comment": "Good."}, format="json"
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"scores.P2.score", "scores.G1.rationale", "no_conflict_confirmed"}
    mid.own_review.refresh_from_db()
    assert (mid.own_review.state, mid.own_review.overall_comment) == (ReviewState.IN_PROGRESS, "Good.")
    assert CriterionScore.objects.get(review=mid.own_review, criterion__code="G1").rationale == "Too short."


def test_a_complete_submission_hands_the_review_in(as_user, reviewer, mid):
    response = as_user(reviewer).post(
        f"/api/v1/reviews/{mid.own_review.id}/submit/",
        {"scores": full_scores(), "overall_comment": "Good.", "no_conflict_confirmed": True},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    assert response.json()["submitted_at"]


def test_a_draft_on_a_handed_in_review_is_refused_with_409(send_draft, mid):
    Review.objects.filter(pk=mid.own_review.pk).update(state=ReviewState.SUBMITTED)

    response = send_draft({})

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert "submitted" in body["detail"].lower()


def test_declaring_a_conflict_releases_the_assignment(as_user, reviewer, mid):
    client = as_user(reviewer)

    missing = client.post(f"/api/v1/reviews/{mid.own_review.id}/conflict/", {}, format="json")
    declared = client.post(
        f"/api/v1/reviews/{mid.own_review.id}/conflict/", {"conflict_note": "I coached their CEO."}, format="json"
    )

    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"conflict_note"}
    assert declared.status_code == 200 and declared.json()["state"] == "released"


def test_the_moderation_queue_lists_programmes_in_a_stage_with_review_counts(as_user, convenor, mid):
    body = as_user(convenor).get("/api/v1/moderation/?status=in-review").json()

    entries = {entry["slug"]: entry for entry in body["results"]}
    assert set(entries) == {mid.in_review.slug, mid.ready.slug}
    assert entries[mid.in_review.slug]["reviews"]["in-progress"] == 1
    assert entries[mid.in_review.slug]["reviews"]["submitted"] == 1
    assert entries[mid.ready.slug]["reviews"]["accepted"] == 2


def test_an_unknown_moderation_stage_is_a_400(as_user, convenor):
    response = as_user(convenor).get("/api/v1/moderation/?status=draft")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status"}


def test_a_convenor_accepts_and_returns_reviews(as_user, convenor, mid):
    client = as_user(convenor)

    accepted = client.post(f"/api/v1/reviews/{mid.submitted_review.id}/accept/")
    returned = client.post(
        f"/api/v1/reviews/{mid.submitted_review.id}/return/", {"comment": "Say more about G2."}, format="json"
    )

    assert accepted.json()["state"] == "accepted"
    assert (returned.json()["state"], returned.json()["return_comment"]) == ("returned", "Say more about G2.")


def test_accepting_a_review_still_in_progress_is_a_409(as_user, convenor, mid):
    response = as_user(convenor).post(f"/api/v1/reviews/{mid.own_review.id}/accept/")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_returning_without_a_comment_is_a_400(as_user, convenor, mid):
    response = as_user(convenor).post(
        f"/api/v1/reviews/{mid.submitted_review.id}/return/", {"comment": ""}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"comment"}


def test_a_convenor_assigns_a_reviewer(as_user, convenor, mid):
    spare = make_spare_reviewer()

    response = as_user(convenor).post(
        f"/api/v1/programmes/{mid.in_review.slug}/reviewers/", {"reviewer": spare.username}, format="json"
    )

    assert response.status_code == 201
    assert (response.json()["reviewer"], response.json()["state"]) == ("reviewer-ruth", "assigned")


def test_assigning_a_conflicted_reviewer_is_a_400_beside_the_reviewer_field(as_user, convenor, mid, provider):
    spare = make_spare_reviewer()
    Affiliation.objects.create(reviewer=spare, provider=provider, organisation_name=provider.name)

    response = as_user(convenor).post(
        f"/api/v1/programmes/{mid.in_review.slug}/reviewers/", {"reviewer": spare.username}, format="json"
    )

    assert response.status_code == 400
    assert "conflict of interest" in response.json()["errors"]["reviewer"][0]


def test_assigning_an_unknown_user_or_to_a_published_programme_is_refused(as_user, convenor, mid):
    client = as_user(convenor)
    make_spare_reviewer()

    unknown = client.post(f"/api/v1/programmes/{mid.in_review.slug}/reviewers/", {"reviewer": "nobody"}, format="json")
    published = client.post(
        f"/api/v1/programmes/{mid.published.slug}/reviewers/", {"reviewer": "reviewer-ruth"}, format="json"
    )

    assert unknown.status_code == 400 and unknown.json()["errors"] == {
        "reviewer": ["No user has the username “nobody”."]
    }
    assert published.status_code == 409


def test_a_convenor_publishes_a_programme_with_enough_accepted_reviews(as_user, convenor, mid):
    response = as_user(convenor).post(f"/api/v1/programmes/{mid.ready.slug}/publish/")

    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert StaleRating.objects.filter(programme=mid.ready).exists()
    assert set(mid.ready.reviews.values_list("state", flat=True)) == {ReviewState.PUBLISHED}


def test_publishing_with_too_few_accepted_reviews_is_a_409(as_user, convenor, mid):
    response = as_user(convenor).post(f"/api/v1/programmes/{mid.in_review.slug}/publish/")

    assert response.status_code == 409
    assert "accepted review" in response.json()["detail"]


def test_a_convenor_withdraws_a_published_review_and_a_programme(as_user, convenor, mid):
    client = as_user(convenor)

    review = client.post(f"/api/v1/reviews/{mid.published_review.id}/withdraw/", {"reason": "Conflict."}, format="json")
    programme = client.post(f"/api/v1/programmes/{mid.published.slug}/withdraw/", {"reason": "Closed."}, format="json")

    assert review.json()["state"] == "withdrawn"
    assert (programme.json()["status"], programme.json()["standing"]["label"]) == ("withdrawn", "Withdrawn")
    assert "Closed." not in programme.content.decode()  # the reason is for the register's own use


def test_withdrawing_a_review_that_is_not_published_is_a_409(as_user, convenor, mid):
    response = as_user(convenor).post(f"/api/v1/reviews/{mid.own_review.id}/withdraw/", {"reason": "x"}, format="json")

    assert response.status_code == 409


def test_a_convenor_sees_every_review_of_a_programme_with_names(as_user, convenor, mid):
    body = as_user(convenor).get(f"/api/v1/programmes/{mid.in_review.slug}/reviews/").json()

    assert [(review["reviewer"], review["state"]) for review in body] == [
        ("reviewer-rob", "in-progress"),
        ("reviewer-rita", "submitted"),
    ]


def test_a_provider_editor_withdraws_their_own_programme(as_user, provider_editor, mid):
    response = as_user(provider_editor).post(
        f"/api/v1/programmes/{mid.in_review.slug}/withdraw/", {"reason": "We stopped running it."}, format="json"
    )

    assert response.status_code == 200
    mid.in_review.refresh_from_db()
    assert mid.in_review.status == ProgrammeStatus.WITHDRAWN


def test_the_reviewer_list_takes_a_fixed_number_of_queries(as_user, reviewer, mid, django_assert_max_num_queries):
    client = as_user(reviewer)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/assignments/").status_code == 200


def test_a_convenor_sees_agreement_between_reviewers_per_criterion_and_element(as_user, convenor, provider, framework):
    first, second = make_spare_reviewer(), make_user("reviewer-ray", role=Role.REVIEWER)
    for number, (left, right) in enumerate([(4, 4), (2, 2), (3, 3)]):
        programme = make_programme(provider, title=f"Agreed {number}")
        make_review(programme, first, scores=left)
        make_review(programme, second, scores=right)

    client = as_user(convenor)
    pending = client.get("/api/v1/agreement/")
    assert (pending.status_code, pending.json()["pending"]) == (202, True)
    compute_agreement({})  # what the queued task does in a worker
    report = client.get("/api/v1/agreement/").json()

    assert (report["programmes"], report["reviews"]) >= (3, 6)
    p1 = next(score for score in report["criteria"] if score["key"] == "P1")
    assert p1["alpha"] == pytest.approx(1.0)
    assert {score["key"] for score in report["elements"]} == {
        "purpose",
        "governance",
        "process",
        "definitions",
        "value",
    }


def test_a_convenor_releases_a_reviewer_and_a_finished_review_cannot_be_released(as_user, convenor, mid):
    client = as_user(convenor)
    released = client.post(f"/api/v1/reviews/{mid.own_review.id}/release/", {"reason": "Unwell."}, format="json")
    again = client.post(f"/api/v1/reviews/{mid.published_review.id}/release/", {"reason": "x"}, format="json")
    missing = client.post(f"/api/v1/reviews/{mid.published_review.id}/release/", {}, format="json")

    assert (released.status_code, released.json()["state"]) == (200, "released")
    assert again.status_code == 409
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
