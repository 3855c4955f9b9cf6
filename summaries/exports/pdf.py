"""The PDF report: a title page with the filters used, the tables, and the charts, typeset by WeasyPrint
from an HTML template with inline SVG (no browser, no JavaScript)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from summaries import charts
from summaries.exports.tables import Table
from summaries.presentation import statistic_matrices
from summaries.selectors import SummaryTables


def report_html(*, tables: SummaryTables, table_list: list[Table]) -> str:
    context = {
        "tables": tables,
        "table_list": {table.key: table for table in table_list},
        "matrices": statistic_matrices(tables),
        "generated_at": timezone.localtime(),
        "charts": charts.summary_charts(tables, prefix="pdf"),
    }
    return render_to_string("summaries/report.html", context)


def write_report(path, *, tables: SummaryTables, table_list: list[Table]) -> None:
    from weasyprint import HTML

    html = report_html(tables=tables, table_list=table_list)
    # Tagged (structure tags for headings, tables and reading order), so screen readers can read it.
    HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(path, pdf_tags=True)
