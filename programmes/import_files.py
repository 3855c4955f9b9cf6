"""Reading an import file into rows of text, turning a row into form data, and the template files.

Reading is defensive: the file's size, rows and (for XLSX) unpacked size are bounded before it is
parsed; a workbook is read through defusedxml in openpyxl's streaming mode with formulas left as
their text (a cell "=HYPERLINK(…)" is imported as those characters, never evaluated). Every cell
becomes text, and the form then applies the register's rules to it, control characters included.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NoReturn

from defusedxml import DefusedXmlException
from django import forms
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from qaportal.errors import ValidationFailed
from qaportal.forms import choice_pairs
from qaportal.spreadsheets import InertCsvWriter, inert_row
from qaportal.submissions import TOKEN_FIELD

MAX_UPLOAD_BYTES = 12_000_000
MAX_UNPACKED_BYTES = 150_000_000
MAX_ROWS = 20_000
SEPARATOR = ";"
# What openpyxl raises for a damaged or hostile workbook (a missing part, bad XML, an entity trick).
DAMAGED_WORKBOOK = (
    InvalidFileException, DefusedXmlException, zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError,
    OSError, SyntaxError,
)  # fmt: skip  # between the values of a many-valued cell ("primary; secondary")


def _refuse(message: str) -> NoReturn:
    raise ValidationFailed({"file": [message]})


def check_upload(upload) -> None:
    """What can be said of a file before reading it: its size and its kind."""
    if upload.size > MAX_UPLOAD_BYTES:
        _refuse(f"The file must be smaller than {MAX_UPLOAD_BYTES // 1_000_000} MB.")
    if not str(upload.name or "").lower().endswith((".csv", ".xlsx")):
        _refuse("The file must be a CSV file (.csv) or an Excel workbook (.xlsx).")


def read_rows(upload, *, columns: tuple[str, ...]) -> list[dict]:
    """The file's rows under its header as [{"row": spreadsheet row number, "cells": {column: text}}]."""
    check_upload(upload)
    table = _csv_table(upload) if str(upload.name).lower().endswith(".csv") else _xlsx_table(upload)
    return _rows_under_header(table, columns)


def _csv_table(upload) -> list[list[str]]:
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        _refuse("The CSV file must be saved as UTF-8 text (in Excel: Save as, “CSV UTF-8”).")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return list(_bounded(reader))
    except csv.Error as error:
        _refuse(f"Row {reader.line_num} is not valid CSV ({error}).")


def _xlsx_table(upload) -> list[list[str]]:
    try:
        with zipfile.ZipFile(upload) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        _refuse("The file is not an Excel workbook (.xlsx); save it again as one, or as CSV.")
    if unpacked > MAX_UNPACKED_BYTES:
        _refuse("The workbook is too large once unpacked; split it into smaller files.")
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        table = [[_cell_text(value) for value in row] for row in _bounded(sheet.iter_rows(values_only=True))]
        workbook.close()
    except DAMAGED_WORKBOOK:
        _refuse("The workbook could not be read; save it again in Excel as .xlsx, or as CSV.")
    return table


def _bounded(rows):
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS + 1:
            _refuse(f"The file has more than {MAX_ROWS:,} rows; split it into smaller files.")
        yield list(row)


def _cell_text(value) -> str:
    """A workbook cell as the text a person typed: whole numbers without ".0", dates as day/month/year."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _rows_under_header(table: list[list[str]], columns: tuple[str, ...]) -> list[dict]:
    start = next((index for index, row in enumerate(table) if any(str(cell).strip() for cell in row)), None)
    if start is None:
        _refuse("The file is empty: use the template, with its header row.")
    header = [str(cell).strip().lower().replace(" ", "_") for cell in table[start]]
    _check_header(header, columns)
    rows = []
    for number, cells in enumerate(table[start + 1 :], start=start + 2):
        if not any(str(cell).strip() for cell in cells):
            continue
        if "\x00" in "".join(map(str, cells)):
            _refuse(f"Row {number} contains a NUL character; remove it and upload the file again.")
        values = {
            column: str(cells[index]).strip() if index < len(cells) else ""
            for index, column in enumerate(header)
            if column
        }
        rows.append({"row": number, "cells": values})
    if not rows:
        _refuse("The file has no rows under its header.")
    return rows


def _check_header(header: list[str], columns: tuple[str, ...]) -> None:
    unknown = [name for name in header if name and name not in columns]
    if unknown:
        _refuse(f"“{unknown[0]}” is not one of the template's columns; the columns are: {', '.join(columns)}.")
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        _refuse(f"The column “{repeated[0]}” appears more than once.")
    if columns[0] not in header:
        _refuse(f"The file needs a “{columns[0]}” column: each row's stable reference.")


class CellReader:
    """Turns a row's text into the data its form reads: labels or codes for choices, ";" between
    several values, "£" and thousands commas allowed in money. A column the file leaves out keeps
    the stored value (for a row that updates); for a new row it is simply missing."""

    def __init__(self, form_class: type[forms.BaseForm]):
        # A form's own fields, not the class's: some choices are filled in as the form is made.
        self.fields = {name: field for name, field in form_class().fields.items() if name != TOKEN_FIELD}
        self.lookups = {
            name: _choice_lookup(field) for name, field in self.fields.items() if isinstance(field, forms.ChoiceField)
        }

    def form_data(self, cells: dict[str, str], instance) -> dict:
        data = {}
        for name, field in self.fields.items():
            if name in cells:
                data[name] = self._value(name, field, cells[name])
            elif instance is not None:
                data[name] = _stored(getattr(instance, name))
        return data

    def _value(self, name: str, field: forms.Field, text: str):
        lookup = self.lookups.get(name)
        # Every choice field has a lookup (MultipleChoiceField is a ChoiceField).
        if lookup is not None and isinstance(field, forms.MultipleChoiceField):
            return [lookup.get(part.strip().lower(), part.strip()) for part in text.split(SEPARATOR) if part.strip()]
        if lookup is not None:
            return lookup.get(text.lower(), text)
        if isinstance(field, forms.DecimalField):
            return text.replace("£", "").replace(",", "").strip()
        return text


def _flat_choices(field: forms.ChoiceField) -> Iterator[tuple[Any, Any]]:
    for value, label in choice_pairs(field):
        if isinstance(label, list | tuple):
            yield from label
        else:
            yield value, label


def _choice_lookup(field: forms.ChoiceField) -> dict[str, str]:
    lookup = {}
    for value, label in _flat_choices(field):
        if value:
            lookup[str(label).lower()] = str(value)
            lookup[str(value).lower()] = str(value)
    return lookup


def _stored(value):
    if isinstance(value, set | frozenset | list | tuple):
        return sorted(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal | int):
        return str(value)
    return "" if value is None else value


# --- Templates --------------------------------------------------------------------------------


def allowed_values(field: forms.Field) -> str:
    """What a column accepts, in words, for the template and the upload page."""
    if isinstance(field, forms.ChoiceField):
        values = "; ".join(
            f"{value} ({label})" if str(value) != str(label) else str(value)
            for value, label in _flat_choices(field)
            if value
        )
        several = (
            f"one or more, separated by “{SEPARATOR}”: " if isinstance(field, forms.MultipleChoiceField) else "one of: "
        )
        return several + values
    if isinstance(field, forms.DecimalField):
        return "Pounds, for example 450 or 450.00; 0 if free"
    if isinstance(field, forms.IntegerField):
        return "A whole number"
    if isinstance(field, forms.DateField):
        return "A date as day/month/year, for example 14/09/2027"
    limit = getattr(field, "max_length", None)
    return f"Text, at most {limit:,} characters" if limit else "Text"


def template_table(form_class: type[forms.BaseForm], columns: tuple[str, ...]) -> list[tuple[str, str, str, str]]:
    """(column, label, required, allowed values) for each column."""
    fields = form_class().fields
    rows = []
    for name in columns:
        field = fields[name]
        required = "required" if field.required or name == columns[0] else "optional"
        rows.append((name, str(field.label or name).replace(" (optional)", ""), required, allowed_values(field)))
    return rows


def template_csv(form_class, columns) -> bytes:
    buffer = io.StringIO()
    InertCsvWriter(buffer).writerow(columns)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(form_class, columns, *, sheet_name: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    sheet.append(inert_row(columns))
    guide = workbook.create_sheet("Allowed values")
    guide.append(["Column", "What it is", "Required", "Allowed values"])
    for row in template_table(form_class, columns):
        guide.append(inert_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
