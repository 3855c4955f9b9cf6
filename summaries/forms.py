from django import forms

from qaportal.forms import NamedErrorsMixin
from qaportal.submissions import OneSubmissionForm
from summaries.models import ExportFormat


class ExportForm(OneSubmissionForm, NamedErrorsMixin, forms.Form):
    format = forms.ChoiceField(
        choices=ExportFormat.choices,
        widget=forms.RadioSelect,
        label="File to prepare",
        error_messages={
            "required": "Choose the file to prepare: CSV, Excel workbook or PDF report",
            "invalid_choice": "Choose the file to prepare: CSV, Excel workbook or PDF report",
        },
    )
