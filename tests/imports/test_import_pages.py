"""The import pages: every page × every role (the web side of the permission matrix), the dry run
and the import as the person sees them, the templates, and the task path with its progress page."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from programmes.imports import SPECS
from programmes.models import ImportJob, Programme
from programmes.vocabulary import ProgrammeStatus
from qaportal.roles import Role
from tests import factories
from tests.conftest import wait_until
from tests.imports.conftest import COLUMNS, csv_file, programme_row
from tests.role_matrix import assert_role_gets, statuses

ROLES = ["anonymous", "outsider", "provider_editor", "other_editor", "reviewer", "convenor"]


def only(allowed: dict, *, otherwise: int) -> dict:
    return statuses(ROLES, allowed, otherwise=otherwise)


PAGES = [
    (
        "get",
        "/imports/providers/{provider}/programmes/",
        only({"provider_editor": 200, "convenor": 200}, otherwise=404),
    ),
    (
        "post",
        "/imports/providers/{provider}/programmes/",
        only({"provider_editor": 400, "convenor": 400}, otherwise=404),
    ),
    ("get", "/imports/providers/", only({"convenor": 200}, otherwise=403)),
    ("post", "/imports/providers/", only({"convenor": 400}, otherwise=403)),
    ("get", "/imports/templates/programmes.csv", only({}, otherwise=200)),
    ("get", "/imports/templates/providers.xlsx", only({}, otherwise=200)),
    ("get", "/imports/{job}/", only({"provider_editor": 200}, otherwise=404)),
    ("post", "/imports/{job}/import/", only({"provider_editor": 302}, otherwise=404)),
]


@pytest.fixture
def import_world(db, provider, provider_editor, reviewer, convenor, outsider):
    from programmes import imports

    other_editor = factories.make_user("editor-otto", role=Role.PROVIDER_EDITOR)
    factories.make_provider().editors.add(other_editor)
    job = imports.import_start(
        by=provider_editor, kind=ImportJob.Kind.PROGRAMMES, provider=provider, upload=csv_file([programme_row(1)])
    )
    users = {
        "outsider": outsider,
        "provider_editor": provider_editor,
        "other_editor": other_editor,
        "reviewer": reviewer,
        "convenor": convenor,
    }
    return users, {"provider": provider.slug, "job": job.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template", "expected"), PAGES, ids=[f"{m.upper()} {t}" for m, t, _ in PAGES])
def test_each_role_gets_what_the_rules_say_on_the_import_pages(client, import_world, role, method, template, expected):
    users, names = import_world
    assert_role_gets(client, users, role, method, template.format(**names), expected[role])


@pytest.mark.django_db
def test_an_editor_checks_a_file_sees_each_row_and_then_imports_it(
    client, provider, provider_editor, django_assert_max_num_queries
):
    client.force_login(provider_editor)
    with django_assert_max_num_queries(7):
        page = client.get(f"/imports/providers/{provider.slug}/programmes/")
    assert "Download the Excel template" in page.content.decode()

    response = client.post(
        f"/imports/providers/{provider.slug}/programmes/", {"file": csv_file([programme_row(1), programme_row(2)])}
    )
    job_url = response["Location"]
    checked = client.get(job_url).content.decode()

    assert "PROG-00001" in checked and "PROG-00002" in checked and ">New<" in checked
    assert "nothing has been imported yet" in checked
    assert not Programme.objects.exists()
    client.post(f"{job_url}import/")
    done = client.get(job_url).content.decode()
    assert "Imported" in done and "2 new, 0 changed, 0 unchanged" in done
    assert set(Programme.objects.values_list("status", flat=True)) == {ProgrammeStatus.DRAFT}


@pytest.mark.django_db
def test_rows_with_errors_are_listed_in_the_persons_words_and_there_is_no_import_button(
    client, provider, provider_editor, django_assert_max_num_queries
):
    client.force_login(provider_editor)
    rows = [programme_row(1, delivery_mode="online"), programme_row(2, cost_per_participant="a lot")]
    response = client.post(f"/imports/providers/{provider.slug}/programmes/", {"file": csv_file(rows)})

    with django_assert_max_num_queries(8):
        page = client.get(response["Location"]).content.decode()

    assert "There is a problem" in page and "2 rows of 2 have errors: nothing has been imported" in page
    assert "Local authorities are only for programmes delivered face to face or blended" in page
    assert "Enter the cost as a number of pounds, for example 450 or 450.00." in page
    assert "Import 2 rows" not in page
    assert client.post(f"{response['Location']}import/").status_code == 302
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_an_unreadable_file_is_refused_beside_the_upload_field(client, provider, provider_editor):
    client.force_login(provider_editor)
    response = client.post(
        f"/imports/providers/{provider.slug}/programmes/", {"file": csv_file([{"title": "No reference"}])}
    )
    assert response.status_code == 400
    assert "The file needs a “reference” column" in response.content.decode()


@pytest.mark.django_db
def test_the_templates_hold_the_columns_and_the_allowed_values(client, provider_editor):
    client.force_login(provider_editor)
    text = client.get("/imports/templates/programmes.csv").content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == list(COLUMNS)

    workbook = load_workbook(io.BytesIO(client.get("/imports/templates/programmes.xlsx").content))
    assert [cell.value for cell in workbook["Programmes"][1]] == list(COLUMNS)
    allowed = {row[0]: row[3] for row in workbook["Allowed values"].iter_rows(min_row=2, values_only=True)}
    assert "middle-leader (Middle leaders)" in allowed["focus_level"]
    assert "E08000016 (Barnsley)" in allowed["local_authorities"]
    providers = load_workbook(io.BytesIO(client.get("/imports/templates/providers.xlsx").content))
    assert [cell.value for cell in providers["Providers"][1]] == list(SPECS["providers"].columns)


@pytest.mark.django_db
def test_a_convenor_finds_a_providers_import_page_by_its_slug(client, convenor, provider):
    client.force_login(convenor)
    response = client.get("/imports/providers/", {"provider": provider.slug})
    assert response["Location"] == f"/imports/providers/{provider.slug}/programmes/"
    missing = client.get("/imports/providers/", {"provider": "no-such-provider"})
    assert missing.status_code == 400 and "No provider has the web address name" in missing.content.decode()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_and_imported_by_the_worker_with_progress_moving(celery_worker_process):
    provider = factories.make_provider(slug="bulk-provider")
    editor = factories.make_user("editor-bulk", role=Role.PROVIDER_EDITOR)
    provider.editors.add(editor)
    client = Client()
    client.force_login(editor)
    rows = [programme_row(number) for number in range(1, 601)]  # over the 500-row inline limit

    response = client.post(f"/imports/providers/{provider.slug}/programmes/", {"file": csv_file(rows)})
    job = ImportJob.objects.get()
    first_page = client.get(response["Location"]).content.decode()
    # No timed refresh (WCAG 2.2.1): the person checks progress when they choose.
    assert "Check progress" in first_page and "of 600 rows" in first_page
    assert 'http-equiv="refresh"' not in first_page

    seen = _progress_until_finished(job)
    assert job.counts == {"create": 600, "update": 0, "unchanged": 0, "error": 0}, job.error
    assert any(0 < done < 600 for done in seen), seen
    assert not Programme.objects.exists()

    client.post(f"{response['Location']}import/")
    _progress_until_finished(job)
    assert job.written and Programme.objects.filter(provider=provider, status=ProgrammeStatus.DRAFT).count() == 600
    assert "600 new, 0 changed, 0 unchanged" in client.get(response["Location"]).content.decode()


def _progress_until_finished(job: ImportJob) -> list[int]:
    seen = []

    def finished():
        job.refresh_from_db()
        seen.append(job.rows_done)
        return job.is_finished

    wait_until(finished, timeout=120, interval=0.05)
    return seen
