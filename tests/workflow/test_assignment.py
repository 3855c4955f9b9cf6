"""Assigning reviewers by hand and by CSV, conflicts of interest, and declaring a conflict."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from programmes.vocabulary import ProgrammeStatus
from qaportal.errors import InvalidTransition, NotPermitted, ValidationFailed
from reviews import services
from reviews.models import Affiliation, Notification, Review, ReviewState
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_reviewer_affiliated_with_the_provider_is_refused_with_the_reason(
    convenor, conflicted_reviewer, submitted_programme
):
    with pytest.raises(ValidationFailed) as refused:
        services.review_assign(programme=submitted_programme, reviewer=conflicted_reviewer, by=convenor)
    assert "reviewer-connie is affiliated with Northgate Learning Trust (until 31 July" in refused.value.message
    assert refused.value.field_errors.keys() == {"reviewer"}


def test_an_affiliation_recorded_by_name_only_counts_too(convenor, reviewer, submitted_programme):
    Affiliation.objects.create(reviewer=reviewer, organisation_name="northgate learning trust")
    with pytest.raises(ValidationFailed, match="currently"):
        services.review_assign(programme=submitted_programme, reviewer=reviewer, by=convenor)


def test_an_affiliation_that_ended_over_three_years_ago_is_no_conflict(convenor, reviewer, submitted_programme):
    Affiliation.objects.create(
        reviewer=reviewer,
        provider=submitted_programme.provider,
        organisation_name="Northgate",
        ended_on=date(date.today().year - 4, 1, 1),
    )
    review = services.review_assign(programme=submitted_programme, reviewer=reviewer, by=convenor)
    assert review.state == ReviewState.ASSIGNED


def test_assigning_puts_the_programme_in_review_and_owes_the_reviewer_an_email(
    convenor, reviewer, submitted_programme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        review = services.review_assign(programme=submitted_programme, reviewer=reviewer, by=convenor)
    submitted_programme.refresh_from_db()
    assert submitted_programme.status == ProgrammeStatus.IN_REVIEW
    assert Notification.objects.get(review=review).kind == "assigned"
    assert len(callbacks) == 1  # the e-mail task is enqueued only once the transaction commits


def test_the_same_reviewer_cannot_be_assigned_twice(convenor, reviewer, submitted_programme):
    services.review_assign(programme=submitted_programme, reviewer=reviewer, by=convenor)
    with pytest.raises(ValidationFailed, match="already assigned"):
        services.review_assign(programme=submitted_programme, reviewer=reviewer, by=convenor)


def test_a_draft_programme_cannot_be_assigned(convenor, reviewer, draft_programme):
    with pytest.raises(InvalidTransition, match="This programme is draft"):
        services.review_assign(programme=draft_programme, reviewer=reviewer, by=convenor)


def test_only_convenors_assign(reviewer, other_reviewer, submitted_programme):
    with pytest.raises(NotPermitted):
        services.review_assign(programme=submitted_programme, reviewer=other_reviewer, by=reviewer)


def test_a_csv_upload_assigns_line_by_line_and_reports_every_refusal(
    client, convenor, reviewer, other_reviewer, conflicted_reviewer, submitted_programme, draft_programme, outsider
):
    slug = submitted_programme.slug
    lines = [
        "programme,reviewer",
        f"{slug},reviewer-rob",
        f"{slug},reviewer-connie",
        "no-such-programme,reviewer-rita",
        f"{slug},nobody-at-all",
        f"{draft_programme.slug},reviewer-rita",
        f"{slug},outsider-olly",
        f"{slug},reviewer-rob",
        "just-one-cell",
        f"{slug},reviewer-rita",
    ]
    client.force_login(convenor)
    upload = SimpleUploadedFile("assignments.csv", "\n".join(lines).encode(), content_type="text/csv")
    html = client.post("/convenor/assignments/upload/", {"file": upload}).content.decode()
    assert "Report: 2 assigned, 7 refused" in html
    for reason in (
        "reviewer-connie is affiliated with Northgate Learning Trust",
        "No programme has the slug “no-such-programme”.",
        "No user has the username “nobody-at-all”.",
        "This programme is draft, so reviewers cannot be assigned.",
        "outsider-olly is not an active reviewer.",
        "reviewer-rob is already assigned to this programme.",
        "Expected two values: programme slug, reviewer username.",
    ):
        assert reason in html
    assert set(Review.objects.filter(programme=submitted_programme).values_list("reviewer__username", flat=True)) == {
        "reviewer-rob",
        "reviewer-rita",
    }


def test_an_upload_that_is_not_text_is_refused_beside_the_field(client, convenor):
    client.force_login(convenor)
    upload = SimpleUploadedFile("scores.xlsx", b"\xff\xfe\x00\x81binary", content_type="application/octet-stream")
    html = client.post("/convenor/assignments/upload/", {"file": upload}).content.decode()
    assert 'id="id_file-error"' in html and "saved as UTF-8 text" in html


def test_declaring_a_conflict_releases_the_review_and_tells_the_convenor(
    client, convenor, reviewer, submitted_programme, mailoutbox
):
    review = services.review_assign(programme=submitted_programme, reviewer=reviewer, by=convenor)
    client.force_login(reviewer)
    empty = client.post(f"/reviewer/reviews/{review.id}/conflict/", {"conflict_note": ""}).content.decode()
    assert "Describe the conflict of interest." in empty
    note = "I coached this trust's leaders last term."
    response = client.post(f"/reviewer/reviews/{review.id}/conflict/", {"conflict_note": note})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.state, review.conflict_note) == (ReviewState.RELEASED, note)
    notification = Notification.objects.get(review=review, kind="conflict")
    assert services.notification_send(notification_id=notification.id)
    assert mailoutbox[-1].to == ["convenor-cat@example.org"] and note in mailoutbox[-1].body
    # Released, the reviewer cannot be reassigned to the programme they declared a conflict on.
    client.force_login(convenor)
    again = client.post(f"/convenor/programmes/{submitted_programme.slug}/assign/", {"reviewer": "reviewer-rob"})
    assert "has declared a conflict of interest on this programme" in again.content.decode()


def test_reviewers_record_affiliations_and_end_them_but_never_erase_them(client, reviewer):
    factories.make_provider(name="Eastside Teaching Hub", slug="eastside")
    client.force_login(reviewer)
    bad = client.post("/reviewer/affiliations/", {"organisation_name": "Eastside", "ended_on": "31/13/2024"})
    assert "Enter the date you left as day/month/year" in bad.content.decode()
    assert 'value="Eastside"' in bad.content.decode()
    future = client.post("/reviewer/affiliations/", {"organisation_name": "Eastside", "ended_on": "1/1/2999"})
    assert "must be today or in the past" in future.content.decode()
    client.post("/reviewer/affiliations/", {"organisation_name": "Eastside Teaching Hub"})
    affiliation = Affiliation.objects.get(reviewer=reviewer)
    assert affiliation.provider.slug == "eastside" and affiliation.ended_on is None
    page = client.get("/reviewer/affiliations/").content.decode()
    assert "Eastside Teaching Hub" in page and "/delete/" not in page and "Remove" not in page
    # There is no way to erase one: the old delete address is gone, and ending keeps the row.
    assert client.post(f"/reviewer/affiliations/{affiliation.id}/delete/").status_code == 404
    before_recorded = client.post(f"/reviewer/affiliations/{affiliation.id}/end/", {"ended_on": "1/1/2020"})
    assert before_recorded.status_code == 400
    assert "so you cannot have left before then" in before_recorded.content.decode()
    ended = client.post(
        f"/reviewer/affiliations/{affiliation.id}/end/", {"ended_on": date.today().strftime("%d/%m/%Y")}
    )
    assert ended.status_code == 302
    affiliation.refresh_from_db()
    assert affiliation.ended_on == date.today()
    again = client.post(
        f"/reviewer/affiliations/{affiliation.id}/end/", {"ended_on": date.today().strftime("%d/%m/%Y")}
    )
    assert "already ended" in again.content.decode()


def test_an_ended_affiliation_still_refuses_the_reviewer_for_three_years(
    client, convenor, reviewer, submitted_programme
):
    affiliation = services.affiliation_add(reviewer=reviewer, organisation_name="Northgate Learning Trust")
    services.affiliation_end(affiliation=affiliation, by=reviewer, ended_on=date.today())
    with pytest.raises(ValidationFailed, match=r"affiliated with Northgate Learning Trust \(until"):
        services.review_assign(programme=submitted_programme, reviewer=reviewer, by=convenor)
    assert Affiliation.objects.filter(pk=affiliation.pk).exists()


def test_the_admin_cannot_delete_an_affiliation(admin_client, reviewer):
    affiliation = services.affiliation_add(reviewer=reviewer, organisation_name="Somewhere")
    response = admin_client.post(f"/admin/reviews/affiliation/{affiliation.id}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Affiliation.objects.filter(pk=affiliation.pk).exists()
