"""The one writer of spreadsheet cells: every CSV and XLSX the register produces goes through it.

A cell whose text starts with = + - @ (or their full-width forms), a tab or a carriage return is
read by spreadsheet programs as a formula, so a provider could plant a link or a calculation in
a convenor's workbook by naming their organisation "=HYPERLINK(…)". Such text gets a leading
apostrophe (the OWASP advice), which spreadsheets show as plain text. Characters XML cannot hold
become U+FFFD whatever is stored, so one bad row can never stop a workbook being written.
Numbers, dates, booleans and empty cells are written as they are.
"""

import csv
import datetime
from collections.abc import Iterable
from decimal import Decimal

from qaportal.text import without_forbidden_characters

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
AS_IS = (int, float, Decimal, datetime.date, datetime.datetime, datetime.time, datetime.timedelta)


def inert_cell(value):
    """The value as a spreadsheet should hold it: text that cannot run, or a number, date or None."""
    if value is None or isinstance(value, AS_IS):
        return value
    text = without_forbidden_characters(str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def inert_row(values: Iterable) -> list:
    return [inert_cell(value) for value in values]


class InertCsvWriter:
    """``csv.writer`` whose every row is neutralised; ``writerow`` returns what the file was given."""

    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    def writerow(self, values: Iterable):
        return self._writer.writerow(inert_row(values))

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for values in rows:
            self.writerow(values)
