import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from programmes.vocabulary import ProgrammeStatus
from qaportal.roles import Role
from ratings.models import ProgrammeRating
from reviews.models import ReviewState
from summaries import services
from summaries.models import ExportJob, ExportStatus
from summaries.tasks import compute_agreement
from tests.factories import make_programme, make_review, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated_register(provider, reviewer, other_reviewer, framework):
    programmes = []
    for number, (level, region) in enumerate([(4, "london"), (3, "london"), (2, "north-west")]):
        programme = make_programme(provider, title=f"Rated {number}", regions=[region])
        for who in (reviewer, other_reviewer):
            review = make_review(programme, who, state=ReviewState.PUBLISHED, scores=level)
            review.published_at = timezone.now() - timedelta(days=10)
            review.save()
        ProgrammeRating.objects.create(
            programme=programme, framework=framework, review_count=2, raw_mean=level, shown_score=level,
            band={4: "Exemplary", 3: "Secure", 2: "Developing"}[level], band_rank={4: 1, 3: 2, 2: 3}[level],
            score_purpose=level, score_governance=level, score_process=level, score_definitions=level,
            score_value=level, computed_at=timezone.now(),
        )  # fmt: skip
        programmes.append(programme)
    make_programme(provider, title="Draft", status=ProgrammeStatus.DRAFT)
    return programmes


def test_a_convenor_gets_the_summary_tables_for_the_register(as_user, convenor, rated_register):
    pending = as_user(convenor).get("/api/v1/summaries/").json()
    assert (pending["programme_count"], pending["agreement"]["pending"]) == (3, True)
    compute_agreement({})  # what the queued task does in a worker
    body = as_user(convenor).get("/api/v1/summaries/").json()

    assert body["programme_count"] == 3
    assert body["rated_count"] == 3
    bands = {band["band"]: band["programmes"] for band in body["bands"]}
    assert (bands["Exemplary"], bands["Secure"], bands["Developing"]) == (1, 1, 1)
    overall = [s for s in body["element_statistics"] if s["dimension"] == "all" and s["item"] == "purpose"]
    assert overall[0]["mean"] == pytest.approx(3.0)
    assert sum(month["reviews"] for month in body["reviews_by_month"]) == 6
    assert {"label": "Programme status", "value": "Published (the register)"} in body["filters"]
    assert (body["agreement"]["available"], body["agreement"]["programmes"]) == (True, 3)
    p1 = next(row for row in body["agreement"]["rows"] if row["code"] == "P1")
    assert p1["alpha"] == pytest.approx(1.0)


def test_summaries_are_filtered_like_the_summaries_page(as_user, convenor, rated_register):
    body = as_user(convenor).get("/api/v1/summaries/", {"region": ["north-west"]}).json()

    assert body["programme_count"] == 1
    assert {"label": "Region", "value": "North West"} in body["filters"]


def test_invalid_summary_filters_are_a_400_per_field(as_user, convenor, rated_register):
    response = as_user(convenor).get(
        "/api/v1/summaries/", {"region": ["mars"], "reviewed_from": "2026-09-01", "reviewed_to": "2026-01-01"}
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"region", "reviewed_to"}


def test_an_export_is_started_built_and_fetched_by_the_convenor_who_asked(as_user, convenor, rated_register):
    client = as_user(convenor)

    started = client.post("/api/v1/exports/", {"format": "csv", "filters": {"region": ["london"]}}, format="json")

    assert started.status_code == 202
    job = started.json()
    assert (job["status"], job["progress"], job["download_url"]) == ("queued", 0, None)
    assert job["filters"] == {"region": ["london"]}
    not_yet = client.get(f"/api/v1/exports/{job['id']}/file/")
    assert not_yet.status_code == 409 and not_yet.json()["code"] == "invalid_transition"

    services.export_run(job_id=job["id"])  # what the worker does

    ready = client.get(f"/api/v1/exports/{job['id']}/").json()
    assert (ready["status"], ready["progress"]) == ("ready", 100)
    download = client.get(ready["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2
    assert [entry["id"] for entry in client.get("/api/v1/exports/").json()["results"]] == [job["id"]]


def test_an_expired_export_is_gone(as_user, convenor, rated_register):
    client = as_user(convenor)
    job_id = client.post("/api/v1/exports/", {"format": "csv"}, format="json").json()["id"]
    services.export_run(job_id=job_id)
    ExportJob.objects.filter(pk=job_id).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.get(f"/api/v1/exports/{job_id}/file/")

    assert response.status_code == 410
    assert response.json()["code"] == "expired"


def test_an_export_needs_a_known_format_and_valid_filters(as_user, convenor):
    client = as_user(convenor)

    bad_format = client.post("/api/v1/exports/", {"format": "docx"}, format="json")
    bad_filters = client.post("/api/v1/exports/", {"format": "pdf", "filters": {"phase": ["nursery"]}}, format="json")

    assert bad_format.status_code == 400 and set(bad_format.json()["errors"]) == {"format"}
    assert bad_filters.status_code == 400 and set(bad_filters.json()["errors"]) == {"phase"}
    assert not ExportJob.objects.exists()


def test_another_convenors_export_does_not_exist_for_you_but_staff_see_it(as_user, convenor, rated_register):
    job_id = as_user(convenor).post("/api/v1/exports/", {"format": "xlsx"}, format="json").json()["id"]
    other_convenor = make_user("convenor-carl", role=Role.CONVENOR)
    staff = make_user("staff-sam", is_staff=True)

    assert as_user(other_convenor).get(f"/api/v1/exports/{job_id}/").status_code == 404
    assert as_user(other_convenor).get(f"/api/v1/exports/{job_id}/file/").status_code == 404
    assert as_user(other_convenor).get("/api/v1/exports/").json()["count"] == 0
    assert as_user(staff).get(f"/api/v1/exports/{job_id}/").json()["status"] == ExportStatus.QUEUED


@pytest.mark.parametrize("role", ["anonymous", "outsider", "provider_editor", "reviewer"])
def test_only_convenors_and_staff_reach_the_summaries_and_exports(request, anonymous, as_user, role, convenor):
    job = ExportJob.objects.create(requested_by=convenor, format="csv")
    client = anonymous if role == "anonymous" else as_user(request.getfixturevalue(role))
    expected = 401 if role == "anonymous" else 403

    responses = [
        client.get("/api/v1/summaries/"),
        client.get("/api/v1/exports/"),
        client.post("/api/v1/exports/", {"format": "csv"}, format="json"),
        client.get(f"/api/v1/exports/{job.pk}/"),
        client.get(f"/api/v1/exports/{job.pk}/file/"),
    ]

    assert [response.status_code for response in responses] == [expected] * 5
