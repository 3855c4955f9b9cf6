"""XLSX: one sheet per summary table and one for every programme, written in openpyxl's write-only mode.

Headers are bold on a grey fill, the header row is frozen, numbers and dates are stored as numbers
(with number formats), and the programme sheet streams row by row so memory stays flat.
"""

from collections.abc import Callable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from qaportal.spreadsheets import inert_cell, inert_row
from summaries.exports.tables import PROGRAMME_COLUMNS, Column, Table, local_naive, programme_row
from summaries.filters import SummaryScope
from summaries.selectors import SummaryTables, programme_rows

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
NUMBER_FORMATS = {"decimal": "0.000", "percent": "0.0", "integer": "0", "datetime": "yyyy-mm-dd hh:mm"}
WIDTHS = {"text": 24, "integer": 12, "decimal": 12, "percent": 12, "datetime": 18, "boolean": 12}
WIDE_TEXT = {
    "title": 50,
    "provider": 36,
    "slug": 36,
    "regions": 40,
    "phases": 30,
    "group_label": 36,
    "criterion_label": 40,
    "element_label": 16,
    "value": 60,
    "note": 60,
}
PROGRESS_EVERY = 5000


def _sheet_title(title: str) -> str:
    return title[:31]  # Excel's limit


def _prepare(sheet, columns: list[Column]) -> None:
    sheet.freeze_panes = "A2"
    for position, column in enumerate(columns, start=1):
        width = WIDE_TEXT.get(column.name, WIDTHS.get(column.kind, 16))
        sheet.column_dimensions[get_column_letter(position)].width = width
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.name)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        header.append(cell)
    sheet.append(header)


def _write_table(workbook: Workbook, table: Table) -> None:
    sheet = workbook.create_sheet(_sheet_title(table.title))
    _prepare(sheet, table.columns)
    formats = [NUMBER_FORMATS.get(column.kind) for column in table.columns]
    for values in table.rows:
        row = []
        for value, number_format in zip(values, formats, strict=True):
            cell = WriteOnlyCell(sheet, value=inert_cell(value))
            if number_format and value is not None:
                cell.number_format = number_format
            row.append(cell)
        sheet.append(row)


def _write_programmes(workbook: Workbook, *, scope: SummaryScope, progress: Callable[[int], None] | None) -> None:
    sheet = workbook.create_sheet("Programmes")
    _prepare(sheet, PROGRAMME_COLUMNS)
    # Plain values (no per-cell styles) keep 200,000 rows fast; datetimes get Excel's date format.
    done = 0
    for values in programme_rows(scope=scope):
        sheet.append(inert_row(programme_row(values, datetimes=local_naive)))
        done += 1
        if progress and done % PROGRESS_EVERY == 0:
            progress(done)
    if progress:
        progress(done)


def write_workbook(
    path, *, tables: SummaryTables, table_list: list[Table], progress: Callable[[int], None] | None = None
) -> None:
    workbook = Workbook(write_only=True)
    for table in table_list:
        _write_table(workbook, table)
    _write_programmes(workbook, scope=tables.scope, progress=progress)
    workbook.save(path)
