"""CSV: streamed a batch of rows at a time, never built in memory, to a response or to a file.

Columns are those of ``summaries.exports.tables`` (documented at /convenor/summaries/columns/):
UTF-8 with a byte-order mark (so spreadsheet programs read the accents), comma-separated, a header
row, datetimes in UTC as ISO 8601, decimals with a full stop, empty cells for missing values.
"""

import io
from collections.abc import Callable, Iterator

from qaportal.spreadsheets import InertCsvWriter
from summaries.exports.tables import PROGRAMME_COLUMNS, Table, programme_row, utc_iso
from summaries.filters import SummaryScope
from summaries.selectors import programme_rows

ROWS_PER_CHUNK = 2000
BYTE_ORDER_MARK = "\ufeff"
DECIMAL_PLACES = 4
DECIMALS_AT = [position for position, column in enumerate(PROGRAMME_COLUMNS) if column.kind == "decimal"]


def programme_csv_chunks(*, scope: SummaryScope, progress: Callable[[int], None] | None = None) -> Iterator[str]:
    """The programmes table as CSV text, ``ROWS_PER_CHUNK`` rows per chunk; ``progress(rows_done)``."""
    buffer = io.StringIO()
    writer = InertCsvWriter(buffer, lineterminator="\r\n")
    buffer.write(BYTE_ORDER_MARK)
    writer.writerow([column.name for column in PROGRAMME_COLUMNS])
    done = 0
    for values in programme_rows(scope=scope):
        row = programme_row(values, datetimes=utc_iso)
        for position in DECIMALS_AT:
            if row[position] is not None:
                row[position] = round(row[position], DECIMAL_PLACES)
        writer.writerow(row)
        done += 1
        if done % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
            if progress:
                progress(done)
    yield _drain(buffer)
    if progress:
        progress(done)


def table_csv_chunks(table: Table) -> Iterator[str]:
    """One summary table as CSV (they are small: one chunk)."""
    buffer = io.StringIO()
    writer = InertCsvWriter(buffer, lineterminator="\r\n")
    buffer.write(BYTE_ORDER_MARK)
    writer.writerow([column.name for column in table.columns])
    writer.writerows(table.rows)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def write_programme_csv(path, *, scope: SummaryScope, progress: Callable[[int], None] | None = None) -> None:
    with open(path, "w", encoding="utf-8", newline="") as file:
        for chunk in programme_csv_chunks(scope=scope, progress=progress):
            file.write(chunk)
