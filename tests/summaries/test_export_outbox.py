"""Export jobs are a durable outbox: a request with the broker down keeps its job, and the sweep builds
whatever no worker has (a lost message, a dead worker's expired claim), never a job a live worker holds."""

from datetime import timedelta

import pytest
from django.utils import timezone

from summaries import services
from summaries.models import ExportJob, ExportStatus
from tests.ratings.test_worker import unreachable_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.OUTBOX_GRACE_SECONDS = 0
    return tmp_path


def test_an_export_asked_for_with_the_broker_down_is_saved_and_the_sweep_builds_it(client, convenor, register, media):
    client.force_login(convenor)
    with unreachable_broker():
        response = client.post("/convenor/summaries/exports/new", {"format": "csv"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.QUEUED
    assert client.get(response["Location"]).status_code == 200

    assert services.exports_sweep() == 1

    job.refresh_from_db()
    assert job.status == ExportStatus.READY
    assert "Headship in practice" in (media / job.file.name).read_text()
    assert services.exports_sweep() == 0


def test_a_job_whose_worker_died_is_built_again_once_its_claim_expires(convenor, register, media):
    job = ExportJob.objects.create(
        requested_by=convenor,
        format="csv",
        status=ExportStatus.RUNNING,
        claimed_until=timezone.now() - timedelta(seconds=1),
        progress=40,
    )
    assert services.exports_sweep() == 1
    job.refresh_from_db()
    assert (job.status, job.progress, job.claimed_until) == (ExportStatus.READY, 100, None)


def test_a_job_a_live_worker_holds_is_left_alone(convenor, register, media):
    claimed_until = timezone.now() + timedelta(seconds=30)
    job = ExportJob.objects.create(
        requested_by=convenor, format="csv", status=ExportStatus.RUNNING, claimed_until=claimed_until, progress=40
    )
    assert services.exports_sweep() == 0
    services.export_run(job_id=job.pk)  # a duplicate message
    job.refresh_from_db()
    assert (job.status, job.progress) == (ExportStatus.RUNNING, 40)


def test_a_fresh_job_is_left_to_its_own_message_for_the_grace_period(convenor, register, media, settings):
    settings.OUTBOX_GRACE_SECONDS = 60
    ExportJob.objects.create(requested_by=convenor, format="csv")
    assert services.exports_sweep() == 0


def test_progress_renews_the_claim(convenor, register, media, settings):
    settings.OUTBOX_CLAIM_SECONDS = 30
    job = ExportJob.objects.create(
        requested_by=convenor, format="csv", status=ExportStatus.RUNNING, claimed_until=timezone.now()
    )
    services.export_report_progress(job_id=job.pk, percent=50, note="Half way")
    job.refresh_from_db()
    assert job.claimed_until > timezone.now() + timedelta(seconds=25)
