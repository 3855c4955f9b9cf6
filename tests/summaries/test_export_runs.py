"""Running export jobs: in process (the service the task calls) and through a real Celery worker."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from summaries import services
from summaries.models import ExportJob, ExportStatus
from tests.conftest import wait_until


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_running_an_export_builds_the_file_and_marks_it_ready(convenor, register, media):
    job = ExportJob.objects.create(requested_by=convenor, format="xlsx", filters={"provider_type": ["hub"]})

    services.export_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.progress) == (ExportStatus.READY, 100)
    assert job.expires_at > job.finished_at
    workbook = load_workbook(media / job.file.name)
    titles = [row[2] for row in workbook["Programmes"].iter_rows(min_row=2, values_only=True)]
    assert titles == ["Headship in practice"]


@pytest.mark.django_db
def test_running_an_export_twice_is_harmless(convenor, register, media):
    job = ExportJob.objects.create(requested_by=convenor, format="pdf", filters={})
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    finished_at = job.finished_at

    services.export_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.finished_at == finished_at
    assert "Summaries of the LPD/CPD Quality Register" in PdfReader(media / job.file.name).pages[0].extract_text()
    assert [path.name for path in (media / "exports").iterdir()] == [f"{job.pk}.pdf"]


@pytest.mark.django_db
def test_an_export_with_filters_that_no_longer_hold_fails_with_a_reason(convenor, register, media):
    job = ExportJob.objects.create(requested_by=convenor, format="csv", filters={"framework": ["424242"]})

    services.export_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert "framework" in job.error


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_export_and_the_convenor_downloads_it(celery_worker_process, convenor, register):
    client = Client()
    client.force_login(convenor)

    response = client.post("/convenor/summaries/exports/new?region=london", {"format": "csv"})
    job = ExportJob.objects.get()

    def ready():
        job.refresh_from_db()
        return job.status in (ExportStatus.READY, ExportStatus.FAILED)

    wait_until(ready, timeout=60, interval=0.2)
    assert job.status == ExportStatus.READY, job.error
    status = client.get(f"{response['Location']}status.json").json()
    assert status["finished"] and status["download_url"]
    download = client.get(status["download_url"])
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    titles = {row["title"] for row in csv.DictReader(io.StringIO(text))}
    assert titles == {"Middle leaders' coaching", "Subject leadership"}
    job.file.delete(save=False)
