"""The whole journey through the real pages with the Django test client."""

import re

from programmes.models import Programme, ProgrammeChange, ProviderResponse
from programmes.vocabulary import ProgrammeStatus
from ratings.models import StaleRating
from reviews.models import AuditEvent, Notification, Review, ReviewState
from tests.workflow.conftest import criteria, score_post


def sign_in_as(client, user):
    client.force_login(user)
    return client


def test_the_whole_journey_from_submission_to_publication(
    client, provider_editor, convenor, reviewer, other_reviewer, conflicted_reviewer, draft_programme
):
    slug = draft_programme.slug

    # The editor submits the programme.
    sign_in_as(client, provider_editor)
    response = client.post(f"/provider/programmes/{slug}/submit/", follow=True)
    assert "Submitted for review" in response.content.decode()
    assert Programme.objects.get(slug=slug).status == ProgrammeStatus.SUBMITTED

    # The convenor finds it in the queue and assigns reviewers; the conflicted one is refused.
    sign_in_as(client, convenor)
    assert "Leading Maths" in client.get("/convenor/").content.decode()
    refused = client.post(f"/convenor/programmes/{slug}/assign/", {"reviewer": "reviewer-connie"})
    assert refused.status_code == 400
    assert "reviewer-connie is affiliated with Northgate Learning Trust" in refused.content.decode()
    for username in ("reviewer-rob", "reviewer-rita"):
        assert client.post(f"/convenor/programmes/{slug}/assign/", {"reviewer": username}).status_code == 302
    assert Programme.objects.get(slug=slug).status == ProgrammeStatus.IN_REVIEW
    assert not Review.objects.filter(reviewer=conflicted_reviewer).exists()
    rob_review = Review.objects.get(reviewer=reviewer)
    rita_review = Review.objects.get(reviewer=other_reviewer)

    # Rob saves a partial draft, comes back, and submits.
    sign_in_as(client, reviewer)
    assert "Leading Maths" in client.get("/reviewer/").content.decode()
    draft = score_post(action="draft", skip=("V3", "V4"))
    assert client.post(f"/reviewer/reviews/{rob_review.id}/", draft).status_code == 302
    page = client.get(f"/reviewer/reviews/{rob_review.id}/").content.decode()
    assert re.search(r'task-value-status">.*In progress', page)
    assert "hidden until you submit your own" in page
    check = client.get(f"/reviewer/reviews/{rob_review.id}/submit/").content.decode()
    assert "The portfolio shows clear, consistent evidence" in check
    client.post(f"/reviewer/reviews/{rob_review.id}/", score_post(scores={"P1": 4}))
    assert Review.objects.get(pk=rob_review.pk).state == ReviewState.SUBMITTED

    # Rita submits, two levels apart from Rob on P1.
    sign_in_as(client, other_reviewer)
    client.post(f"/reviewer/reviews/{rita_review.id}/", score_post(scores={"P1": 2}))
    assert Review.objects.get(pk=rita_review.pk).state == ReviewState.SUBMITTED

    # The convenor sees them side by side, accepts Rob's and returns Rita's.
    sign_in_as(client, convenor)
    moderation = client.get(f"/convenor/programmes/{slug}/").content.decode()
    assert "Disagree: 2 levels apart" in moderation
    client.post(f"/convenor/reviews/{rob_review.id}/accept/")
    client.post(f"/convenor/reviews/{rita_review.id}/return/", {"comment": "Please justify P1 against the portfolio."})
    refused_publish = client.post(f"/convenor/programmes/{slug}/publish/", follow=True).content.decode()
    assert "it needs 2 before it can be published" in refused_publish

    # Rita reads the comment, fixes P1 and resubmits.
    sign_in_as(client, other_reviewer)
    returned = client.get(f"/reviewer/reviews/{rita_review.id}/").content.decode()
    assert "Please justify P1 against the portfolio." in returned
    client.post(f"/reviewer/reviews/{rita_review.id}/", score_post(scores={"P1": 3}))
    assert Review.objects.get(pk=rita_review.pk).state == ReviewState.SUBMITTED

    # The convenor accepts it and publishes.
    sign_in_as(client, convenor)
    client.post(f"/convenor/reviews/{rita_review.id}/accept/")
    published = client.post(f"/convenor/programmes/{slug}/publish/", follow=True).content.decode()
    assert "is published" in published
    programme = Programme.objects.get(slug=slug)
    assert programme.status == ProgrammeStatus.PUBLISHED and programme.published_at is not None
    assert set(Review.objects.filter(programme=programme).values_list("state", flat=True)) == {ReviewState.PUBLISHED}
    assert StaleRating.objects.filter(programme=programme).exists()
    kinds = list(Notification.objects.filter(programme=programme).values_list("kind", flat=True))
    assert sorted(kinds) == ["assigned", "assigned", "published", "returned", "submitted"]

    # The editor reads the feedback without reviewer names and publishes a response.
    sign_in_as(client, provider_editor)
    feedback = client.get(f"/provider/programmes/{slug}/feedback/").content.decode()
    assert "Reviewer A" in feedback and "Reviewer B" in feedback
    assert "reviewer-rob" not in feedback and "reviewer-rita" not in feedback
    client.post(f"/provider/programmes/{slug}/feedback/", {"text": "Thank you; we have added follow-up coaching."})
    assert not ProviderResponse.objects.filter(programme=programme).exists()  # public once a convenor approves

    sign_in_as(client, convenor)
    change = ProgrammeChange.objects.get(programme=programme, kind="response", state="pending")
    client.post(f"/convenor/changes/{change.id}/", {"decision": "approve"})
    assert ProviderResponse.objects.get(programme=programme).text.startswith("Thank you")

    # The audit trail tells the story, per programme and per review.
    sign_in_as(client, convenor)
    audit_url = f"/convenor/programmes/{slug}/audit/"
    trail = client.get(audit_url).content.decode() + client.get(f"{audit_url}?page=2").content.decode()
    for expected in ("Reviewer assigned", "Programme state", "reviewer-rob", "returned", "published"):
        assert expected in trail
    p1 = next(c for c in criteria() if c.code == "P1")
    change = AuditEvent.objects.get(review=rita_review, field="P1 score", new_value="3")
    assert (change.actor, change.old_value) == (other_reviewer, "2")
    review_trail = client.get(f"/convenor/reviews/{rita_review.id}/").content.decode()
    assert "Score: P1 score" in review_trail and p1.title in review_trail
