"""The files are opened and read back: CSV and XLSX figures against the database, the PDF's text and a
rendered page."""

import csv
import io
import subprocess

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from ratings.models import ProgrammeRating
from summaries.exports import pdf, xlsx
from summaries.exports.csv import programme_csv_chunks
from summaries.exports.tables import PROGRAMME_COLUMNS, summary_table_list
from summaries.filters import summary_filterset
from summaries.selectors import summary_tables
from summaries.tasks import compute_agreement

pytestmark = pytest.mark.django_db


def scope_for(data=None):
    filterset = summary_filterset(data or {})
    assert filterset.is_valid()
    return filterset.scope()


def test_the_programme_csv_has_the_documented_columns_and_the_databases_figures(register):
    text = "".join(programme_csv_chunks(scope=scope_for()))

    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0].keys()) == [column.name for column in PROGRAMME_COLUMNS]
    by_id = {int(row["programme_id"]): row for row in rows}
    assert set(by_id) == {register.trust_programme.pk, register.hub_programme.pk, register.unrated_programme.pk}
    trust = by_id[register.trust_programme.pk]
    rating = ProgrammeRating.objects.get(pk=register.trust_programme.pk)
    assert trust["band"] == "Secure"
    assert float(trust["score_purpose"]) == rating.score_purpose
    assert trust["regions"] == "London; South East"
    assert trust["provider_type"] == "mat"
    assert by_id[register.unrated_programme.pk]["band"] == "Not yet rated"
    assert by_id[register.unrated_programme.pk]["band_rank"] == ""


def test_the_csv_download_is_streamed(client, convenor, register):
    client.force_login(convenor)

    response = client.get("/convenor/summaries/download.csv", {"region": "london"})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    titles = {row["title"] for row in csv.DictReader(io.StringIO(text))}
    assert titles == {"Middle leaders' coaching", "Subject leadership"}


def test_a_summary_table_downloads_as_csv(client, convenor, register):
    client.force_login(convenor)

    response = client.get("/convenor/summaries/download.csv", {"table": "bands"})

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["band"], row["programmes"]) for row in rows] == [
        ("Exemplary", "1"),
        ("Secure", "1"),
        ("Developing", "0"),
        ("Limited", "0"),
        ("Not yet rated", "1"),
    ]


def test_the_workbook_has_a_sheet_per_table_with_bold_frozen_headers_and_numbers(register, tmp_path):
    tables = summary_tables(scope=scope_for())
    path = tmp_path / "summaries.xlsx"

    xlsx.write_workbook(path, tables=tables, table_list=summary_table_list(tables))

    workbook = load_workbook(path)
    assert workbook.sheetnames == [
        "Filters used",
        "Programmes by band",
        "Element scores by group",
        "Criterion scores by group",
        "Reviews published by month",
        "Weakest criteria",
        "Strongest criteria",
        "Reviewer agreement",
        "Programmes",
    ]
    bands = workbook["Programmes by band"]
    assert bands["A1"].value == "band" and bands["A1"].font.b
    assert bands.freeze_panes == "A2"
    assert [(row[0], row[2]) for row in bands.iter_rows(min_row=2, values_only=True)][:2] == [
        ("Exemplary", 1),
        ("Secure", 1),
    ]
    assert bands["C2"].data_type == "n"
    programmes = workbook["Programmes"]
    assert programmes.freeze_panes == "A2"
    header = [cell.value for cell in programmes[1]]
    assert header == [column.name for column in PROGRAMME_COLUMNS]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in programmes.iter_rows(min_row=2, values_only=True)}
    hub = rows[register.hub_programme.pk]
    assert hub["band"] == "Exemplary"
    assert hub["score_value"] == 4.0
    assert isinstance(hub["review_count"], int)
    agreement = {row[1]: row for row in workbook["Reviewer agreement"].iter_rows(min_row=2, values_only=True)}
    assert agreement["P1"][:3] == ("criterion", "P1", "Identified need")
    assert isinstance(agreement["P1"][3], float) and agreement["P1"][4] == 2
    criteria = workbook["Criterion scores by group"]
    p1 = [row for row in criteria.iter_rows(min_row=2, values_only=True) if row[0] == "all" and row[3] == "P1"]
    assert p1 == [("all", None, "All programmes", "P1", "Identified need", 5, 2.6, pytest.approx(1.14, abs=0.001))]


def test_the_pdf_report_holds_the_filters_the_tables_and_the_charts(register, tmp_path):
    tables = summary_tables(scope=scope_for({"region": ["london", "north-east"]}))
    path = tmp_path / "report.pdf"

    pdf.write_report(path, tables=tables, table_list=summary_table_list(tables))

    reader = PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Summaries of the LPD/CPD Quality Register" in text
    assert "Region" in text and "London, North East" in text
    assert "Programmes by band" in text and "Exemplary" in text
    assert "Element scores by provider type" in text
    assert "Criterion scores by region" in text
    assert "Reviews published by month" in text and "February 2026" in text
    assert "Krippendorff's alpha by criterion and element" in text
    # Chart labels are real text in the PDF: the band chart writes each count and share.
    assert "1 (33.3%)" in text
    chart_page = next(i for i, page in enumerate(reader.pages, 1) if "Programmes by band" in page.extract_text())
    png = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", str(chart_page), "-l", str(chart_page), path, png], check=True
    )
    (rendered,) = tmp_path.glob("page*.png")
    image = Image.open(rendered).convert("L")
    dark = sum(image.histogram()[:100])
    # The bars (solid and hatched) put real ink on the page, well beyond the text alone.
    assert dark > 1500, dark


def test_the_reviewer_agreement_table_downloads_as_csv_once_it_is_worked_out(client, convenor, register):
    client.force_login(convenor)
    pending = client.get("/convenor/summaries/download.csv", {"table": "reviewer_agreement"}, follow=True)
    assert "Reviewer agreement is still being calculated" in pending.content.decode()
    compute_agreement({})  # what the task queued by the first visit does in a worker

    response = client.get("/convenor/summaries/download.csv", {"table": "reviewer_agreement"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert list(rows[0]) == ["level", "code", "label", "alpha", "units"]
    assert {row["code"] for row in rows} >= {"P1", "V4", "purpose", "value"}


def test_the_pdf_report_is_tagged_and_tells_purpose_from_process(register, tmp_path):
    tables = summary_tables(scope=scope_for({}))
    path = tmp_path / "report.pdf"

    pdf.write_report(path, tables=tables, table_list=summary_table_list(tables))

    reader = PdfReader(path)
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Purpose (Pur)" in text and "Process (Pro)" in text
