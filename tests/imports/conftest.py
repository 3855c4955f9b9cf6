"""Files to import, written as a provider's spreadsheet would be."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from programmes.imports import SPECS
from programmes.models import ImportJob

COLUMNS = SPECS[ImportJob.Kind.PROGRAMMES].columns


def programme_row(number: int, **changes) -> dict:
    row = {
        "reference": f"PROG-{number:05d}",
        "title": f"Leading reading {number}",
        "summary": "Helps middle leaders improve reading across the school.",
        "focus_level": "middle-leader",
        "phases": "primary; secondary",
        "regions": "Yorkshire and the Humber",
        "format": "course",
        "delivery_mode": "face-to-face",
        "local_authorities": "Leeds; E08000016",
        "contact_hours": "18",
        "duration_weeks": "12",
        "cost_per_participant": "£1,250.00",
        "funding_routes": "self-funded",
        "target_staff": "Reading leads",
        "contact_email": "courses@example.org.uk",
        "booking_url": "https://example.org.uk/book",
        "next_start_on": "14/09/2027",
        "intended_outcomes": "Leaders plan and evaluate a reading curriculum.",
        "evidence_base": "EEF guidance on literacy.",
    }
    row.update(changes)
    return row


def csv_file(rows: list[dict], name: str = "programmes.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[dict], name: str = "programmes.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


@pytest.fixture
def inline_limit(settings, monkeypatch):
    """The row count above which a step runs in the worker (set low so small files take the task path)."""
    from programmes import imports

    def set_limit(rows: int):
        monkeypatch.setattr(imports, "INLINE_ROWS", rows)

    return set_limit
