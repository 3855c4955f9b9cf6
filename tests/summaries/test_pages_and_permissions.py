import datetime

import pytest
from django.utils import timezone

from qaportal.roles import Role
from summaries import services
from summaries.models import ExportFormat, ExportJob, ExportStatus
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SUMMARIES = "/convenor/summaries/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def ready_export(convenor, media):
    """A finished CSV export of the convenor's, with its file on disk."""
    (media / "exports").mkdir()
    (media / "exports" / "done.csv").write_text("programme_id\r\n1\r\n")
    now = timezone.now()
    return ExportJob.objects.create(
        requested_by=convenor,
        format=ExportFormat.CSV,
        status=ExportStatus.READY,
        progress=100,
        file="exports/done.csv",
        file_size=18,
        finished_at=now,
        expires_at=now + datetime.timedelta(hours=24),
    )


def test_a_convenor_sees_the_summaries_of_the_whole_register(client, convenor, register):
    client.force_login(convenor)

    response = client.get(SUMMARIES)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Programmes by band" in page
    assert "Exemplary" in page
    assert "Criterion scores by region" in page
    assert 'role="img"' in page  # the charts
    assert "A programme delivered in several regions counts once in each of them." in page


def test_staff_see_the_summaries(client, register):
    client.force_login(make_user("staff-sam", is_staff=True))

    assert client.get(SUMMARIES).status_code == 200


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.PROVIDER_EDITOR, None])
def test_reviewers_editors_and_outsiders_may_not_see_the_summaries(client, framework, role):
    client.force_login(make_user(role=role))

    assert client.get(SUMMARIES).status_code == 403
    assert client.get(f"{SUMMARIES}download.csv").status_code == 403
    assert client.post(f"{SUMMARIES}exports/new", {"format": "csv"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, framework):
    response = client.get(SUMMARIES)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_bad_filters_are_shown_next_to_the_field_and_kept(client, convenor, register):
    client.force_login(convenor)

    response = client.get(SUMMARIES, {"reviewed_from": "31/2/2026", "region": "london"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#id_reviewed_from"' in page
    assert "Enter the start date as a real date, for example 1/9/2026" in page
    assert 'value="31/2/2026"' in page
    assert 'value="london" checked' in page


def test_the_filtered_page_shows_only_the_filtered_programmes(client, convenor, register):
    client.force_login(convenor)

    response = client.get(SUMMARIES, {"provider_type": "hub"})

    tables = response.context["tables"]
    assert tables.programme_count == 1
    assert [band.programmes for band in tables.bands] == [1, 0, 0, 0, 0]


def test_starting_an_export_without_a_format_says_what_to_choose(client, convenor, register):
    client.force_login(convenor)

    response = client.post(f"{SUMMARIES}exports/new?region=london", {})

    assert response.status_code == 400
    assert "Choose the file to prepare: CSV, Excel workbook or PDF report" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_starting_an_export_records_the_filters_and_shows_its_progress_page(
    client, convenor, register, django_capture_on_commit_callbacks
):
    client.force_login(convenor)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"{SUMMARIES}exports/new?region=london&reviewed_from=1/1/2026", {"format": "xlsx"})

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{SUMMARIES}exports/{job.pk}/"
    assert job.filters == {"region": ["london"], "reviewed_from": ["2026-01-01"]}
    assert job.requested_by == convenor
    assert len(callbacks) == 1  # the task is queued only once the job row is committed
    page = client.get(response["Location"]).content.decode()
    assert "Check progress" in page
    assert "<progress" in page
    status = client.get(f"{SUMMARIES}exports/{job.pk}/status.json").json()
    assert status == {
        "status": "queued",
        "status_label": "Waiting to start",
        "progress": 0,
        "note": "",
        "finished": False,
        "download_url": None,
    }


def test_the_convenor_who_asked_downloads_the_file(client, convenor, ready_export):
    client.force_login(convenor)

    response = client.get(f"{SUMMARIES}exports/{ready_export.pk}/download")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"programme_id\r\n1\r\n"
    assert "attachment" in response["Content-Disposition"]


def test_staff_may_download_a_convenors_file(client, ready_export):
    client.force_login(make_user("staff-sue", is_staff=True))

    assert client.get(f"{SUMMARIES}exports/{ready_export.pk}/download").status_code == 200


def test_another_convenor_cannot_see_or_download_your_file(client, ready_export):
    client.force_login(make_user("convenor-colin", role=Role.CONVENOR))

    assert client.get(f"{SUMMARIES}exports/{ready_export.pk}/download").status_code == 404
    assert client.get(f"{SUMMARIES}exports/{ready_export.pk}/").status_code == 404
    assert client.get(f"{SUMMARIES}exports/{ready_export.pk}/status.json").status_code == 404


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.PROVIDER_EDITOR, None])
def test_non_convenors_cannot_download_an_export(client, ready_export, role):
    client.force_login(make_user(role=role))

    assert client.get(f"{SUMMARIES}exports/{ready_export.pk}/download").status_code == 403


def test_anonymous_visitors_cannot_download_an_export(client, ready_export):
    assert client.get(f"{SUMMARIES}exports/{ready_export.pk}/download").status_code == 302


def test_a_file_past_its_expiry_is_gone_even_before_the_clean_up(client, convenor, ready_export):
    ExportJob.objects.filter(pk=ready_export.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.force_login(convenor)

    response = client.get(f"{SUMMARIES}exports/{ready_export.pk}/download")

    assert response.status_code == 410
    assert "This file has expired" in response.content.decode()


def test_the_clean_up_deletes_expired_files_and_keeps_the_rest(convenor, ready_export, media):
    (media / "exports" / "fresh.csv").write_text("x")
    fresh = ExportJob.objects.create(
        requested_by=convenor,
        format="csv",
        status=ExportStatus.READY,
        file="exports/fresh.csv",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    ExportJob.objects.filter(pk=ready_export.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    assert services.exports_delete_expired() == 1
    assert services.exports_delete_expired() == 0

    ready_export.refresh_from_db()
    assert ready_export.status == ExportStatus.EXPIRED
    assert not (media / "exports" / "done.csv").exists()
    assert (media / "exports" / "fresh.csv").exists()
    fresh.refresh_from_db()
    assert fresh.status == ExportStatus.READY


def test_the_clean_up_runs_hourly_from_celery_beat():
    from qaportal.celery import app

    entry = app.conf.beat_schedule["summaries-delete-expired-exports"]
    assert entry["task"] == "summaries.tasks.delete_expired_exports"
    assert entry["schedule"] == 3600.0


def test_convenors_have_a_summaries_link_in_the_navigation(client, convenor, framework):
    client.force_login(convenor)

    assert 'href="/convenor/summaries/"' in client.get("/").content.decode()


def test_the_column_page_documents_every_programme_column(client, convenor, framework):
    from summaries.exports.tables import PROGRAMME_COLUMNS

    client.force_login(convenor)
    page = client.get(f"{SUMMARIES}columns/").content.decode()

    for column in PROGRAMME_COLUMNS:
        assert f"<code>{column.name}</code>" in page


def test_the_summaries_page_takes_a_fixed_number_of_queries(client, convenor, register, django_assert_max_num_queries):
    client.force_login(convenor)

    with django_assert_max_num_queries(26):
        response = client.get(SUMMARIES, {"region": ["london", "north-east"]})

    assert response.status_code == 200


def test_the_page_shows_a_newly_published_review_at_once_despite_the_cache(client, convenor, register, other_reviewer):
    from tests.factories import make_review
    from tests.summaries.conftest import at, publish

    client.force_login(convenor)
    before = client.get(SUMMARIES).context["tables"].review_count
    assert client.get(SUMMARIES).context["tables"].review_count == before  # served from the cache

    publish(make_review(register.unrated_programme, other_reviewer), at(2026, 4, 1))

    assert client.get(SUMMARIES).context["tables"].review_count == before + 1


def test_reviewer_agreement_is_shown_per_criterion_and_element(client, convenor, register):
    from summaries.tasks import compute_agreement

    client.force_login(convenor)
    first = client.get(SUMMARIES)
    assert "Reviewer agreement for this selection is being calculated" in first.content.decode()

    compute_agreement({})  # what the queued task does in a worker
    tables = client.get(SUMMARIES).context["tables"]

    agreement = tables.agreement
    assert agreement.available
    # Two programmes have two published reviews; the unrated one has only one.
    assert (agreement.programmes, agreement.reviews) == (2, 4)
    p1 = next(row for row in agreement.rows if row.code == "P1")
    assert (p1.level, p1.label, p1.units) == ("criterion", "Identified need", 2)
    assert p1.alpha is not None and p1.alpha < 1  # the trust's reviewers gave 4 and 2
    assert {row.code for row in agreement.rows if row.level == "element"} == {
        "purpose",
        "governance",
        "process",
        "definitions",
        "value",
    }
