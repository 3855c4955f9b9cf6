"""Whatever a provider may type — any string the real form and service accept — comes out of the
CSV, the workbook and the badge inert and well-formed."""

import csv
import io

import pytest
from django.test import Client
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl import load_workbook

from programmes.vocabulary import ProgrammeStatus
from providers.forms import ProviderProfileForm
from providers.models import Provider
from providers.services import provider_update
from qaportal.roles import Role
from qaportal.spreadsheets import FORMULA_STARTS
from summaries.exports import xlsx
from summaries.exports.csv import programme_csv_chunks
from summaries.exports.tables import summary_table_list
from summaries.filters import summary_filterset
from summaries.selectors import summary_tables
from tests import factories
from tests.hardening.conftest import PROFILE

pytestmark = pytest.mark.django_db

# Formula starters first and often, then anything at all: controls, surrogates, non-characters.
hostile_names = st.one_of(
    st.builds(lambda start, rest: start + rest, st.sampled_from(FORMULA_STARTS), st.text(max_size=30)),
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), min_size=1, max_size=40),
    st.text(alphabet="=+-@\t\r\n\x00\x01\x1b\x7f\x85\ufffe\uffff'\"<>&;,", min_size=1, max_size=20),
)


def rename_through_the_form(provider: Provider, editor, name: str) -> bool:
    form = ProviderProfileForm(PROFILE | {"name": name}, instance=provider)
    if not form.is_valid():
        provider.refresh_from_db()
        return False
    provider_update(provider=provider, by=editor, data=form.cleaned_data)
    return True


def assert_inert(cell: str) -> None:
    assert not cell.startswith(FORMULA_STARTS), cell


@pytest.fixture
def register(db):
    editor = factories.make_user("editor-ann", role=Role.PROVIDER_EDITOR)
    provider = factories.make_provider(slug="hostile")
    provider.editors.add(editor)
    factories.make_programme(provider, slug="hostile-programme", status=ProgrammeStatus.PUBLISHED)
    return provider, editor


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=hostile_names)
def test_any_accepted_provider_name_comes_out_inert_and_well_formed(register, tmp_path, name):
    provider, editor = register
    assume(rename_through_the_form(provider, editor, name))
    stored = Provider.objects.get(pk=provider.pk).name
    client = Client()

    directory_rows = list(
        csv.reader(io.StringIO(b"".join(client.get("/programmes/export.csv").streaming_content).decode()))
    )
    assert_inert(directory_rows[1][1])

    filterset = summary_filterset({})
    assert filterset.is_valid()
    summary_rows = list(
        csv.DictReader(io.StringIO("".join(programme_csv_chunks(scope=filterset.scope())).lstrip("\ufeff")))
    )
    assert_inert(summary_rows[0]["provider"])

    tables = summary_tables(scope=filterset.scope())
    xlsx.write_workbook(tmp_path / "register.xlsx", tables=tables, table_list=summary_table_list(tables))
    workbook = load_workbook(tmp_path / "register.xlsx")
    assert not [
        cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]
    sheet = workbook["Programmes"]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    provider_cell = sheet.cell(row=2, column=header.index("provider") + 1).value
    assert_inert(provider_cell)
    assert provider_cell == ("'" + stored if stored.startswith(FORMULA_STARTS) else stored)

    for url in ("/providers/hostile/badge.svg", "/programmes/hostile-programme/badge.svg"):
        etree.fromstring(client.get(url).content)  # raises on anything but well-formed XML
