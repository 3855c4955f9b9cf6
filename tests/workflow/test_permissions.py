"""Who may see and do what: 404 for other people's objects, sign-in for anonymous users."""

import pytest

from programmes.vocabulary import ProgrammeStatus
from reviews.models import Review, ReviewState
from tests import factories
from tests.workflow.conftest import score_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def rob_review(submitted_programme, reviewer):
    submitted_programme.status = ProgrammeStatus.IN_REVIEW
    submitted_programme.save()
    return factories.make_review(submitted_programme, reviewer, state=ReviewState.IN_PROGRESS, scores=None)


def test_a_reviewer_cannot_see_another_reviewers_review(client, rob_review, other_reviewer):
    client.force_login(other_reviewer)
    assert client.get(f"/reviewer/reviews/{rob_review.id}/").status_code == 404


def test_a_reviewer_cannot_post_to_another_reviewers_review(client, rob_review, other_reviewer):
    client.force_login(other_reviewer)
    assert client.post(f"/reviewer/reviews/{rob_review.id}/", score_post()).status_code == 404
    assert client.post(f"/reviewer/reviews/{rob_review.id}/conflict/", {"conflict_note": "x"}).status_code == 404
    assert Review.objects.get(pk=rob_review.pk).state == ReviewState.IN_PROGRESS
    assert not rob_review.scores.exists()


def test_an_editor_cannot_touch_another_providers_programme(client, provider_editor):
    elsewhere = factories.make_programme(status=ProgrammeStatus.DRAFT)
    client.force_login(provider_editor)
    slug = elsewhere.slug
    for url in ("", "edit/", "evidence/", "withdraw/", "feedback/"):
        assert client.get(f"/provider/programmes/{slug}/{url}").status_code == 404
    assert client.post(f"/provider/programmes/{slug}/submit/").status_code == 404
    assert client.post(f"/provider/programmes/{slug}/withdraw/", {"reason": "Not ours"}).status_code == 404
    assert client.get(f"/provider/providers/{elsewhere.provider.slug}/profile/").status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == ProgrammeStatus.DRAFT


@pytest.mark.parametrize(
    "url",
    ["/reviewer/", "/reviewer/affiliations/", "/convenor/", "/convenor/assignments/upload/", "/provider/"],
)
def test_anonymous_users_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/accounts/login/?next={url}")


@pytest.mark.parametrize("url", ["/reviewer/", "/convenor/", "/provider/"])
def test_a_signed_in_user_without_the_role_is_refused(client, outsider, url):
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_a_reviewer_cannot_moderate_or_assign(client, rob_review, reviewer, submitted_programme):
    client.force_login(reviewer)
    assert client.post(f"/convenor/reviews/{rob_review.id}/accept/").status_code == 403
    assert client.post(f"/convenor/programmes/{submitted_programme.slug}/assign/", {"reviewer": "x"}).status_code == 403


def test_providers_and_the_public_never_see_reviewer_identities(
    client, provider_editor, reviewer, other_reviewer, provider
):
    programme = factories.make_programme(provider, status=ProgrammeStatus.PUBLISHED)
    factories.make_review(programme, reviewer, state=ReviewState.PUBLISHED)
    factories.make_review(programme, other_reviewer, state=ReviewState.PUBLISHED)
    client.force_login(provider_editor)
    feedback = client.get(f"/provider/programmes/{programme.slug}/feedback/").content.decode()
    assert "Rationale for P1." in feedback
    assert "reviewer-rob" not in feedback and "reviewer-rita" not in feedback
    client.logout()
    public = client.get(programme.get_absolute_url()).content.decode()
    assert "reviewer-rob" not in public and "reviewer-rita" not in public


def test_a_reviewer_sees_other_reviewers_scores_only_after_submitting(
    client, rob_review, other_reviewer, submitted_programme
):
    rita = factories.make_review(submitted_programme, other_reviewer, state=ReviewState.SUBMITTED, scores=1)
    client.force_login(rob_review.reviewer)
    before = client.get(f"/reviewer/reviews/{rob_review.id}/").content.decode()
    assert "hidden until you submit your own" in before and "Reviewer B" not in before
    client.post(f"/reviewer/reviews/{rob_review.id}/", score_post(scores=3))
    after = client.get(f"/reviewer/reviews/{rob_review.id}/").content.decode()
    assert "Reviewer B" in after and "Disagree: 2 levels apart" in after
    assert "reviewer-rita" not in after
    assert rita.state == ReviewState.SUBMITTED


SCORING_ROLES = ["anonymous", "outsider", "provider_editor", "reviewer", "other_reviewer", "convenor"]
OWN_REVIEWER_PAGE = {"anonymous": 302, "outsider": 403, "provider_editor": 403, "reviewer": 200,
                     "other_reviewer": 404, "convenor": 403}  # fmt: skip


@pytest.mark.parametrize("role", SCORING_ROLES)
@pytest.mark.parametrize("step", ["", "elements/purpose/", "elements/value/", "submit/"])
def test_the_scoring_task_list_and_its_pages_are_the_assigned_reviewers_alone(client, rob_review, role, step, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = f"/reviewer/reviews/{rob_review.id}/{step}"

    response = client.get(url)
    posted = client.post(url, {"action": "later"})

    assert response.status_code == OWN_REVIEWER_PAGE[role]
    assert posted.status_code == (302 if role == "reviewer" else OWN_REVIEWER_PAGE[role])
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    assert Review.objects.get(pk=rob_review.pk).state == ReviewState.IN_PROGRESS


def test_an_element_the_framework_does_not_have_is_not_found(client, rob_review, reviewer):
    client.force_login(reviewer)
    assert client.get(f"/reviewer/reviews/{rob_review.id}/elements/impact/").status_code == 404


def test_a_handed_in_review_sends_its_element_and_submit_pages_back_to_the_read_only_task_list(
    client, rob_review, reviewer
):
    Review.objects.filter(pk=rob_review.pk).update(state=ReviewState.SUBMITTED)
    client.force_login(reviewer)
    for step in ("elements/purpose/", "submit/"):
        response = client.post(f"/reviewer/reviews/{rob_review.id}/{step}", {"action": "submit"}, follow=True)
        html = response.content.decode()
        assert "can no longer be changed" in html and 'type="radio"' not in html
