"""Staff in the Django admin change only what the services let them, through those services: no
state, score, rating, framework setting or audit event is written there by hand."""

from decimal import Decimal

import pytest

from programmes.models import Programme
from programmes.vocabulary import ProgrammeStatus
from ratings.engine import recompute_programme
from ratings.models import ProgrammeRating
from reviews import frameworks
from reviews.models import AuditEvent, CriterionScore, Framework, Review, ReviewState
from tests import factories
from tests.html_forms import form_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = factories.make_user("staff-sam", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def programme(provider):
    return factories.make_programme(provider, title="Leading maths well", slug="leading-maths-well")


def change_form(client, url: str, first_field: str) -> dict:
    page = client.get(url)
    assert page.status_code == 200
    return form_with(page.content.decode(), first_field)


def test_a_programme_status_cannot_be_changed_in_the_admin(client, staff, programme):
    url = f"/admin/programmes/programme/{programme.pk}/change/"
    body = change_form(client, url, "title")
    assert "status" not in body and "slug" not in body

    client.post(url, body | {"status": ProgrammeStatus.WITHDRAWN, "slug": "elsewhere"})

    programme.refresh_from_db()
    assert (programme.status, programme.slug) == (ProgrammeStatus.PUBLISHED, "leading-maths-well")


def test_a_review_its_state_and_its_scores_cannot_be_changed_in_the_admin(client, staff, programme, reviewer):
    review = factories.make_review(programme, reviewer, scores=2)
    score = review.scores.first()
    url = f"/admin/reviews/review/{review.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="state"' not in page and 'name="scores-0-score"' not in page

    response = client.post(
        url,
        {"state": ReviewState.WITHDRAWN, "scores-TOTAL_FORMS": "1", "scores-INITIAL_FORMS": "1",
         "scores-0-id": str(score.pk), "scores-0-score": "4", "scores-0-rationale": "Forged."},
    )  # fmt: skip

    assert response.status_code == 403
    assert Review.objects.get(pk=review.pk).state == ReviewState.PUBLISHED
    assert (CriterionScore.objects.get(pk=score.pk).score, CriterionScore.objects.get(pk=score.pk).rationale) == (
        2,
        score.rationale,
    )


def test_a_rating_cannot_be_changed_or_deleted_in_the_admin(client, staff, programme, reviewer, other_reviewer):
    for someone in (reviewer, other_reviewer):
        factories.make_review(programme, someone, scores=3)
    recompute_programme(programme_id=programme.pk)
    rating = ProgrammeRating.objects.get(programme=programme)
    url = f"/admin/ratings/programmerating/{rating.pk}/"

    assert client.post(url + "change/", {"band": "Exemplary", "shown_score": "4"}).status_code == 403
    assert client.post(url + "delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/ratings/programmerating/add/").status_code == 403
    assert ProgrammeRating.objects.get(pk=rating.pk).band == rating.band


@pytest.mark.parametrize("published", [True, False], ids=["published", "draft"])
def test_a_frameworks_weights_and_settings_change_only_on_the_convenor_pages(
    client, staff, framework, convenor, published
):
    version = framework if published else frameworks.framework_new_draft(source=framework, by=convenor)
    element = version.elements.first()
    url = f"/admin/reviews/framework/{version.pk}/change/"
    assert 'name="prior_weight"' not in client.get(url).content.decode()

    assert client.post(url, {"name": "x", "version": 9, "prior_weight": "9", "min_reviews": 9}).status_code == 403
    assert client.post(f"/admin/reviews/element/{element.pk}/change/", {"weight": "5"}).status_code == 403
    assert client.post(f"/admin/reviews/band/{version.bands.first().pk}/delete/", {"post": "yes"}).status_code == 403

    after = Framework.objects.get(pk=version.pk)
    assert (after.prior_weight, after.min_reviews) == (version.prior_weight, version.min_reviews)
    assert element.__class__.objects.get(pk=element.pk).weight == element.weight


def test_the_audit_trail_cannot_be_added_to_changed_or_deleted_in_the_admin(client, staff, programme):
    event = AuditEvent.objects.create(actor=staff, programme=programme, action="state-changed", field="state")
    listing = client.get("/admin/reviews/auditevent/").content.decode()

    assert "Add audit event" not in listing
    assert client.post("/admin/reviews/auditevent/add/", {"action": "state-changed"}).status_code == 403
    assert client.post(f"/admin/reviews/auditevent/{event.pk}/change/", {"new_value": "x"}).status_code == 403
    assert client.post(f"/admin/reviews/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert list(AuditEvent.objects.values_list("pk", "new_value")) == [(event.pk, "")]


def test_a_title_corrected_in_the_admin_is_audited_and_found_in_the_directory(client, staff, programme):
    url = f"/admin/programmes/programme/{programme.pk}/change/"
    body = change_form(client, url, "title") | {"title": "Leading geography well"}

    assert client.post(url, body).status_code == 302

    assert [
        (e.actor.username, e.action, e.field, e.old_value, e.new_value)
        for e in AuditEvent.objects.filter(programme=programme)
    ] == [("staff-sam", "admin-updated", "title", "Leading maths well", "Leading geography well")]
    client.logout()
    found = client.get("/programmes/", {"q": "geography"}).context["page"].object_list
    assert [p.title for p in found] == ["Leading geography well"]


def test_the_admin_refuses_what_the_editors_form_refuses_beside_the_field(client, staff, programme):
    url = f"/admin/programmes/programme/{programme.pk}/change/"
    body = change_form(client, url, "title") | {"contact_hours": "100000"}

    page = client.post(url, body)

    assert page.status_code == 200
    assert "Contact time must be between 1 and 1,000 hours" in page.content.decode()
    assert Programme.objects.get(pk=programme.pk).contact_hours == 12
    assert not AuditEvent.objects.filter(programme=programme).exists()


def test_a_published_programme_can_still_have_its_cost_corrected_in_the_admin(client, staff, programme):
    url = f"/admin/programmes/programme/{programme.pk}/change/"
    body = change_form(client, url, "title") | {"cost_per_participant": "395.00"}

    assert client.post(url, body).status_code == 302

    assert Programme.objects.get(pk=programme.pk).cost_per_participant == Decimal("395.00")
    assert AuditEvent.objects.get(programme=programme).field == "cost_per_participant"
