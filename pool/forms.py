"""Forms of the reviewer pool. They parse and show; the services decide."""

from __future__ import annotations

from django import forms

from pool.models import ReviewerStatus
from programmes.vocabulary import FocusLevel
from providers.vocabulary import Phase, Region
from qaportal.forms import NamedErrorsMixin, PlainCharField, written_field


def _choices(label: str, choices, *, required: bool, help_text: str = "", required_message: str = ""):
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={"required": required_message or f"Select at least one of: {label.lower()}."},
    )


class ApplicationForm(NamedErrorsMixin, forms.Form):
    current_role = PlainCharField(
        label="Your current role",
        max_length=200,
        help_text="For example, “Deputy headteacher” or “Director of a teaching school hub”.",
        error_messages={"required": "Enter your current role, for example “Deputy headteacher”."},
    )
    focus_levels = _choices(
        "Whose professional development do you know well?",
        FocusLevel.choices,
        required=True,
        required_message="Select the staff whose development you know.",
    )
    phases = _choices(
        "Which school phases do you know?",
        Phase.choices,
        required=True,
        required_message="Select the school phases you know.",
    )
    regions = _choices("Which regions do you know? (optional)", Region.choices, required=False)
    organisations = PlainCharField(
        label="Organisations you work for or have worked for in the last three years",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "One a line. Add “; left” and the date if you have left, for example "
            "“Northgate Learning Trust; left 31/7/2024”. You will not review their programmes."
        ),
    )
    experience = PlainCharField(
        label="Your experience of leading or evaluating professional development",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Tell us about your experience of professional development."},
    )


class DeclineForm(NamedErrorsMixin, forms.Form):
    reason = written_field(
        "Reason for declining",
        "Give the reason for declining; the applicant reads it.",
        help_text="The applicant reads this.",
    )


class ProfileForm(NamedErrorsMixin, forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=ReviewerStatus.choices,
        widget=forms.RadioSelect,
        help_text="Only active reviewers are assigned. A reviewer in training becomes active by passing calibration.",
    )
    capacity = forms.IntegerField(
        label="Capacity (reviews at once)",
        min_value=1,
        max_value=30,
        error_messages={
            "required": "Enter how many reviews they can take at once.",
            "invalid": "Enter capacity as a whole number, for example 4.",
            "min_value": "Capacity must be at least 1.",
            "max_value": "Capacity must be at most 30.",
        },
    )
    focus_levels = _choices(
        "Focus levels they know",
        FocusLevel.choices,
        required=True,
        required_message="Select the staff whose development they know.",
    )
    phases = _choices(
        "Phases they know", Phase.choices, required=True, required_message="Select the school phases they know."
    )
    expertise_tags = PlainCharField(
        label="Expertise tags (optional)",
        required=False,
        max_length=600,
        help_text="Separated by commas, for example “early reading, coaching, SEND”.",
    )

    def tags(self) -> list[str]:
        return [tag for tag in self.cleaned_data.get("expertise_tags", "").split(",") if tag.strip()]


class ExerciseForm(NamedErrorsMixin, forms.Form):
    title = PlainCharField(label="Title", max_length=200, error_messages={"required": "Give the exercise a title."})
    programme = forms.CharField(
        label="Sample programme's slug",
        max_length=220,
        help_text="A programme with a full evidence portfolio, for example a draft kept for training.",
        error_messages={"required": "Enter the sample programme's slug."},
    )


class PoolFilterForm(NamedErrorsMixin, forms.Form):
    """The convenors' pool list's search and status, from the query string: a value that is not
    valid is shown beside its field and left out of the filter, as on the directory."""

    q = PlainCharField(label="Search by name, username or expertise tag", max_length=100, required=False)
    status = forms.ChoiceField(label="Status", choices=[("", "Any status"), *ReviewerStatus.choices], required=False)

    def chosen(self) -> tuple[str, str]:
        """(status, search) as far as each is valid."""
        self.is_valid()
        valid = getattr(self, "cleaned_data", {})
        return valid.get("status", ""), valid.get("q", "").strip()
