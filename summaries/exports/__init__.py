"""The summaries as files: CSV (streamed), XLSX (one sheet per table) and a PDF report with charts."""
