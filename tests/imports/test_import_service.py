"""Bulk import of programmes: the dry run, all or nothing, idempotence, permissions, file formats."""

from datetime import date
from decimal import Decimal

import pytest

from programmes import imports
from programmes.models import ImportJob, Programme
from programmes.vocabulary import ProgrammeStatus
from qaportal.errors import NotPermitted, ValidationFailed
from qaportal.roles import Role
from tests import factories
from tests.imports.conftest import csv_file, programme_row, xlsx_file

pytestmark = pytest.mark.django_db
Kind = ImportJob.Kind


def check(by, provider, upload) -> ImportJob:
    return imports.import_start(by=by, kind=Kind.PROGRAMMES, provider=provider, upload=upload)


def outcomes(job: ImportJob) -> list[tuple[int, str, str]]:
    return [(result["row"], result["reference"], result["outcome"]) for result in job.results]


def test_the_dry_run_writes_nothing_and_the_import_does_exactly_what_it_said(provider, provider_editor):
    existing = factories.make_programme(provider, reference="PROG-00002", status=ProgrammeStatus.DRAFT, title="Old")
    rows = [programme_row(1), programme_row(2), programme_row(3)]

    job = check(provider_editor, provider, csv_file(rows))

    assert outcomes(job) == [(2, "PROG-00001", "create"), (3, "PROG-00002", "update"), (4, "PROG-00003", "create")]
    assert Programme.objects.filter(provider=provider).count() == 1
    assert Programme.objects.get(pk=existing.pk).title == "Old"
    dry_run = outcomes(job)

    job = imports.import_confirm(job=job, by=provider_editor)

    assert job.written and outcomes(job) == dry_run
    assert job.rows == []  # the file's contents are not kept once they are in the register
    programmes = Programme.objects.filter(provider=provider).order_by("reference")
    assert [p.reference for p in programmes] == ["PROG-00001", "PROG-00002", "PROG-00003"]
    first = programmes[0]
    assert first.status == ProgrammeStatus.DRAFT
    assert first.cost_per_participant == Decimal("1250.00")
    assert first.local_authorities == ["E08000016", "E08000035"]  # Barnsley by code, Leeds by name
    assert sorted(first.phases) == ["primary", "secondary"] and first.next_start_on == date(2027, 9, 14)
    assert Programme.objects.get(pk=existing.pk).title == "Leading reading 2"
    assert first.search_vector is not None


def test_one_bad_row_means_nothing_is_imported_and_the_row_says_why(provider, provider_editor):
    rows = [programme_row(1), programme_row(2, contact_hours="0", regions="London"), programme_row(3, title="")]

    job = check(provider_editor, provider, csv_file(rows))

    assert job.counts == {"create": 1, "update": 0, "unchanged": 0, "error": 2}
    errors = {result["row"]: result["errors"] for result in job.results if result["errors"]}
    assert errors[3]["contact_hours"] == ["Contact time must be between 1 and 1,000 hours"]
    assert errors[3]["local_authorities"] == [
        "Barnsley and Leeds are in Yorkshire and the Humber, which is not one of the regions selected: "
        "select Yorkshire and the Humber too, or remove them"
    ]
    assert errors[4]["title"] == ["Enter the programme's title."]
    with pytest.raises(Exception, match="no errors"):
        imports.import_confirm(job=job, by=provider_editor)
    assert not Programme.objects.filter(provider=provider).exists()


def test_rows_that_pass_the_check_but_fail_at_import_time_still_write_nothing(provider, provider_editor):
    job = check(provider_editor, provider, csv_file([programme_row(1), programme_row(2)]))
    # Between the check and the import, someone publishes the programme the second row updates.
    factories.make_programme(provider, reference="PROG-00002", status=ProgrammeStatus.PUBLISHED, title="Live")

    job = imports.import_confirm(job=job, by=provider_editor)

    assert not job.written and job.counts["error"] == 1
    assert "an import changes only drafts" in job.results[1]["errors"]["row"][0]
    assert list(Programme.objects.filter(provider=provider).values_list("title", flat=True)) == ["Live"]


def test_uploading_the_same_file_again_changes_nothing(provider, provider_editor):
    rows = [programme_row(number) for number in range(1, 6)]
    imports.import_confirm(job=check(provider_editor, provider, csv_file(rows)), by=provider_editor)
    before = {p.reference: (p.slug, p.updated_at) for p in Programme.objects.filter(provider=provider)}

    again = check(provider_editor, provider, csv_file(rows))

    assert again.counts == {"create": 0, "update": 0, "unchanged": 5, "error": 0}
    imports.import_confirm(job=again, by=provider_editor)
    after = {p.reference: (p.slug, p.updated_at) for p in Programme.objects.filter(provider=provider)}
    assert after == before


def test_a_row_leaving_out_columns_keeps_what_the_register_holds(provider, provider_editor):
    imports.import_confirm(job=check(provider_editor, provider, csv_file([programme_row(1)])), by=provider_editor)

    job = check(provider_editor, provider, csv_file([{"reference": "PROG-00001", "title": "Leading reading, revised"}]))

    assert outcomes(job) == [(2, "PROG-00001", "update")]
    imports.import_confirm(job=job, by=provider_editor)
    programme = Programme.objects.get(provider=provider, reference="PROG-00001")
    assert programme.title == "Leading reading, revised" and programme.contact_hours == 18


def test_the_same_reference_twice_in_a_file_is_an_error_on_the_second_row(provider, provider_editor):
    job = check(provider_editor, provider, csv_file([programme_row(1), programme_row(1, title="Again")]))

    assert job.results[1]["errors"]["reference"] == [
        "“PROG-00001” is also the reference on row 2: give each programme its own"
    ]


def test_an_editor_cannot_import_into_another_provider(provider_editor):
    elsewhere = factories.make_provider()

    with pytest.raises(NotPermitted):
        check(provider_editor, elsewhere, csv_file([programme_row(1)]))
    assert not ImportJob.objects.exists()


def test_a_convenor_imports_for_any_provider_and_a_reviewer_for_none(convenor, reviewer):
    provider = factories.make_provider()
    job = check(convenor, provider, csv_file([programme_row(1)]))
    assert imports.import_confirm(job=job, by=convenor).written
    with pytest.raises(NotPermitted):
        check(reviewer, provider, csv_file([programme_row(2)]))


def test_another_editor_cannot_confirm_an_import_that_is_not_theirs(provider, provider_editor):
    job = check(provider_editor, provider, csv_file([programme_row(1)]))
    colleague = factories.make_user("editor-bea", role=Role.PROVIDER_EDITOR)
    provider.editors.add(colleague)

    with pytest.raises(NotPermitted):
        imports.import_confirm(job=job, by=colleague)
    assert not Programme.objects.exists()


def test_an_excel_workbook_imports_as_its_csv_does(provider, provider_editor):
    rows = [programme_row(1), programme_row(2, next_start_on=date(2027, 9, 14), contact_hours=18)]

    from_xlsx = check(provider_editor, provider, xlsx_file(rows))
    from_csv = check(provider_editor, provider, csv_file([programme_row(1), programme_row(2)]))

    assert outcomes(from_xlsx) == outcomes(from_csv) == [(2, "PROG-00001", "create"), (3, "PROG-00002", "create")]
    imports.import_confirm(job=from_xlsx, by=provider_editor)
    assert check(provider_editor, provider, csv_file([programme_row(1), programme_row(2)])).counts["unchanged"] == 2


def test_formula_like_cells_are_kept_as_text_and_never_evaluated(provider, provider_editor):
    formula = '=HYPERLINK("https://evil.example","Click")'
    rows = [programme_row(1, title=formula, target_staff="+44 reading leads", summary="@SUM(A1:A9)")]

    for upload in (csv_file(rows), xlsx_file(rows)):
        job = check(provider_editor, provider, upload)
        assert job.counts["create"] == 1, job.results

    imports.import_confirm(job=job, by=provider_editor)
    programme = Programme.objects.get(provider=provider)
    assert (programme.title, programme.target_staff, programme.summary) == (formula, "+44 reading leads", "@SUM(A1:A9)")


def test_control_characters_are_refused_by_the_same_rule_as_the_web_form(provider, provider_editor):
    job = check(provider_editor, provider, csv_file([programme_row(1, title="Leading\x07 reading")]))

    assert job.results[0]["errors"]["title"] == [
        "Programme title must not contain control characters (it has U+0007). Remove them and try again."
    ]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: csv_file([{"title": "No reference column"}]), "The file needs a “reference” column"),
        (lambda: csv_file([{"reference": "A", "colour": "red"}]), "“colour” is not one of the template's columns"),
        (lambda: csv_file([programme_row(1)], name="programmes.txt"), r"must be a CSV file \(\.csv\) or an Excel"),
        (
            lambda: xlsx_file([programme_row(1)], name="fake.xlsx").__class__("fake.xlsx", b"not a zip"),
            "not an Excel workbook",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_reason(provider, provider_editor, upload, message):
    with pytest.raises(ValidationFailed, match=message):
        check(provider_editor, provider, upload())
    assert not ImportJob.objects.exists()


def test_programmes_are_matched_within_their_provider_only(provider, provider_editor):
    factories.make_programme(factories.make_provider(), reference="PROG-00001", status=ProgrammeStatus.DRAFT)

    job = check(provider_editor, provider, csv_file([programme_row(1)]))

    assert outcomes(job) == [(2, "PROG-00001", "create")]


def test_convenors_import_providers_matched_on_their_slug(convenor):
    factories.make_provider(slug="northgate-trust", name="Northgate")
    rows = [
        {"slug": "northgate-trust", "name": "Northgate Learning Trust", "provider_type": "mat",
         "regions": "london", "phases": "primary", "website": ""},
        {"slug": "eastfield-hub", "name": "Eastfield Hub", "provider_type": "Teaching school hub or alliance (TSA)",
         "regions": "east-of-england; london", "phases": "secondary", "website": "https://eastfield.example"},
    ]  # fmt: skip
    job = imports.import_start(by=convenor, kind=Kind.PROVIDERS, upload=csv_file(rows, name="providers.csv"))

    assert [r["outcome"] for r in job.results] == ["update", "create"]
    imports.import_confirm(job=job, by=convenor)
    from providers.models import Provider

    assert Provider.objects.get(slug="eastfield-hub").provider_type == "hub"
    assert Provider.objects.get(slug="northgate-trust").name == "Northgate Learning Trust"
    again = imports.import_start(by=convenor, kind=Kind.PROVIDERS, upload=csv_file(rows, name="providers.csv"))
    assert again.counts["unchanged"] == 2


def test_editors_cannot_import_providers(provider_editor):
    with pytest.raises(NotPermitted):
        imports.import_start(by=provider_editor, kind=Kind.PROVIDERS, upload=csv_file([{"slug": "x"}]))


def test_a_large_file_whose_task_message_was_lost_is_run_by_the_sweep(
    provider, provider_editor, inline_limit, settings
):
    settings.OUTBOX_GRACE_SECONDS = 0
    inline_limit(2)
    job = check(provider_editor, provider, csv_file([programme_row(number) for number in range(1, 4)]))
    assert (job.status, job.results) == (ImportJob.Status.QUEUED, [])  # waiting for the worker

    assert imports.imports_sweep() == 1

    job.refresh_from_db()
    assert (job.status, job.counts["create"]) == (ImportJob.Status.DONE, 3)
    assert imports.imports_sweep() == 0
    imports.import_confirm(job=job, by=provider_editor)
    assert imports.imports_sweep() == 1
    assert Programme.objects.filter(provider=provider).count() == 3


def test_a_workbook_with_an_xml_entity_trick_is_refused_without_being_expanded(provider, provider_editor):
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    source = xlsx_file([programme_row(1, title="&lol9;")])
    entities = '<!DOCTYPE worksheet [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10)
    )
    hostile = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source.read())) as original, zipfile.ZipFile(hostile, "w") as copy:
        for item in original.infolist():
            content = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                # A billion laughs: the title cell expands to 10^9 characters if entities are honoured.
                text = content.decode().replace("&amp;lol9;", "&lol9;")
                content = text.replace("<worksheet", entities + "]><worksheet", 1).encode()
            copy.writestr(item, content)

    with pytest.raises(ValidationFailed, match="The workbook could not be read") as refused:
        check(provider_editor, provider, SimpleUploadedFile("hostile.xlsx", hostile.getvalue()))
    causes, error = [], refused.value
    while error is not None:
        causes.append(type(error).__name__)
        error = error.__cause__ or error.__context__
    assert "EntitiesForbidden" in causes  # defusedxml stopped it before any expansion


def test_a_large_file_is_read_by_the_worker_and_an_unreadable_one_fails_with_the_reason(
    provider, provider_editor, inline_limit, settings, monkeypatch
):
    settings.OUTBOX_GRACE_SECONDS = 0
    monkeypatch.setattr(imports, "INLINE_BYTES", 100)
    job = check(provider_editor, provider, csv_file([programme_row(1), programme_row(2)]))
    broken = check(provider_editor, provider, csv_file([{"title": "No reference column", "summary": "x" * 200}]))
    assert (job.status, job.total_rows, broken.status) == (ImportJob.Status.QUEUED, 0, ImportJob.Status.QUEUED)

    assert imports.imports_sweep() == 2

    job.refresh_from_db()
    broken.refresh_from_db()
    assert (job.status, job.total_rows, job.counts["create"], job.upload) == (ImportJob.Status.DONE, 2, 2, None)
    assert broken.status == ImportJob.Status.FAILED and "needs a “reference” column" in broken.error
