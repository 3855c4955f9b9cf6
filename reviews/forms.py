"""Forms of the review workflow. They parse and show; the services decide."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest

from qaportal.forms import NamedErrorsMixin, PlainCharField, written_field
from qaportal.submissions import OneSubmissionForm
from reviews.models import Criterion, CriterionScore, Review, ReviewState
from reviews.services import MIN_RATIONALE_LENGTH, ScoreInput, rationale_field, score_field


def submitting(request: HttpRequest) -> bool:
    """Whether a scoring form was posted with its "Submit" button; any other button saves a draft."""
    return request.POST.get("action") == "submit"


def chosen_service(
    request: HttpRequest, *, submit: Callable[..., Any], save: Callable[..., Any]
) -> tuple[bool, Callable[..., Any]]:
    """The scoring form's two buttons: whether it is a submission, and the service that does it."""
    handing_in = submitting(request)
    return handing_in, submit if handing_in else save


def optional_text_area(label: str, help_text: str, *, rows: int = 4) -> PlainCharField:
    """A text area a person may leave empty, with the hint that says what to put in it."""
    return PlainCharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), help_text=help_text)


@dataclass
class CriterionRow:
    """One criterion on the scoring form: its framework text and its two bound fields."""

    criterion: Criterion
    score: forms.BoundField
    rationale: forms.BoundField
    options: list[dict]


class ReviewOverallForm(NamedErrorsMixin, forms.Form):
    """The questions after the criteria: the overall comment and the no-conflict confirmation."""

    overall_comment = optional_text_area(
        "Overall comment",
        "Your summary of the programme's strengths and what would improve it. Providers read this.",
    )
    no_conflict_confirmed = forms.BooleanField(
        label="I confirm I have no conflict of interest with this provider",
        required=False,
        help_text="If you do, declare it instead of submitting.",
    )


class CriteriaForm(NamedErrorsMixin, forms.Form):
    """Some or all criteria of a framework: a level (1 to the framework's top level) and a
    rationale each. One element's page of the scoring journey, a reviewer's or a provider's own.

    Nothing is required here: a draft may be partial. The level must still be one of them, and a
    criterion the form does not have is refused; completeness is the services' rule.
    """

    def __init__(self, *args, criteria: list[Criterion], levels: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.levels = levels
        # The framework's own levels, 1 to N (four in the starting framework).
        self.level_numbers = sorted(levels) or [1, 2, 3, 4]
        top = self.level_numbers[-1]
        level_choices = [(str(level), f"{level} {levels.get(level, '')}") for level in self.level_numbers]
        for criterion in criteria:
            self.fields[score_field(criterion.id)] = forms.TypedChoiceField(
                label=f"{criterion.code} {criterion.title}",
                choices=level_choices,
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": f"Select a level from 1 to {top} for {criterion.code}."},
            )
            self.fields[rationale_field(criterion.id)] = PlainCharField(
                label=f"Rationale for {criterion.code}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=f"At least {MIN_RATIONALE_LENGTH} characters: the evidence behind your level.",
            )
        # The overall questions come after the criteria, on the page and in the error summary.
        self.order_fields([*(name for name in self.fields if name.startswith(("score_", "rationale_")))])

    def clean(self):
        cleaned = super().clean()
        forged = self.forged_criterion_ids()
        if forged:
            raise forms.ValidationError(
                "The form contained a criterion that is not part of this review's framework "
                f"(id {', '.join(forged)}). Nothing was saved; check your scores and try again."
            )
        return cleaned

    def forged_criterion_ids(self) -> list[str]:
        posted = {key.split("_", 1)[1] for key in self.data if key.startswith(("score_", "rationale_"))}
        known = {str(criterion.id) for criterion in self.criteria}
        return sorted(posted - known)

    def score_inputs(self) -> dict[int, ScoreInput]:
        return {
            criterion.id: ScoreInput(
                score=self.cleaned_data.get(score_field(criterion.id)) or None,
                rationale=self.cleaned_data.get(rationale_field(criterion.id), ""),
            )
            for criterion in self.criteria
        }

    def rows(self) -> list[CriterionRow]:
        """The criteria in order with their descriptors, ready for the template."""
        rows = []
        for criterion in self.criteria:
            score = self[score_field(criterion.id)]
            descriptors = {d.level: d.descriptor for d in criterion.descriptors.all()}
            options = [
                {
                    "id": f"{score.auto_id}_{index}",
                    "value": str(level),
                    "name": self.levels.get(level, ""),
                    "descriptor": descriptors.get(level, ""),
                    "checked": str(score.value()) == str(level),
                }
                for index, level in enumerate(self.level_numbers)
            ]
            rows.append(CriterionRow(criterion, score, self[rationale_field(criterion.id)], options))
        return rows

    @classmethod
    def saved_values(cls, scores: list[CriterionScore]) -> dict:
        values: dict = {}
        for row in scores:
            values[score_field(row.criterion_id)] = row.score
            values[rationale_field(row.criterion_id)] = row.rationale
        return values

    @classmethod
    def bound_to_saved(cls, saved: dict, **kwargs) -> CriteriaForm:
        """A bound form holding what is saved, so that errors can be shown beside saved answers."""
        data = {name: "" if value is None else str(value) for name, value in saved.items()}
        form = cls(data, **kwargs)
        form.is_valid()
        return form


class ScoringForm(CriteriaForm, ReviewOverallForm):
    """The whole scoring form in one: every criterion, then the overall questions (calibration
    attempts, panel references, and reviews posted whole)."""

    @classmethod
    def initial_for(cls, review: Review, scores: list[CriterionScore]) -> dict:
        initial = {"overall_comment": review.overall_comment, "no_conflict_confirmed": review.no_conflict_confirmed}
        return initial | cls.saved_values(scores)


class ConflictForm(NamedErrorsMixin, forms.Form):
    conflict_note = written_field(
        "Describe your conflict of interest",
        "Describe the conflict of interest.",
        help_text="For example, “I was a trustee of this provider until 2024”. The convenor reads this.",
    )


class AffiliationForm(OneSubmissionForm, NamedErrorsMixin, forms.Form):
    organisation_name = PlainCharField(
        label="Organisation",
        max_length=200,
        help_text="The trust, hub, local authority, university, company or other organisation, as it is named.",
        error_messages={"required": "Enter the organisation's name."},
    )
    role = PlainCharField(label="Your role there (optional)", max_length=200, required=False)
    ended_on = forms.DateField(
        label="When did you leave? (optional)",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"],
        help_text="For example, 31/7/2024. Leave empty if you still work there.",
        error_messages={"invalid": "Enter the date you left as day/month/year, for example 31/7/2024."},
    )


class EndAffiliationForm(NamedErrorsMixin, forms.Form):
    ended_on = forms.DateField(
        label="When did you leave?",
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"],
        help_text="For example, 31/7/2025. The conflict of interest still counts for three years after this date.",
        error_messages={
            "required": "Enter the date you left, for example 31/7/2025.",
            "invalid": "Enter the date you left as day/month/year, for example 31/7/2025.",
        },
    )


class AssignForm(NamedErrorsMixin, forms.Form):
    reviewer = PlainCharField(
        label="Reviewer's username",
        max_length=150,
        help_text="The reviewer is refused if they are affiliated with this provider.",
        error_messages={"required": "Enter the reviewer's username."},
    )


class AssignmentsUploadForm(NamedErrorsMixin, forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="One assignment per line: programme slug, reviewer username. A header line is optional.",
        error_messages={"required": "Choose a CSV file to upload."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise forms.ValidationError("The file must be smaller than 1 MB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError("The file must be a CSV file saved as UTF-8 text.") from error


class ReturnForm(NamedErrorsMixin, forms.Form):
    comment = written_field("What should the reviewer change?", "Say what the reviewer should change.")


class WithdrawForm(NamedErrorsMixin, forms.Form):
    reason = written_field(
        "Reason for withdrawing", "Give the reason for withdrawing.", help_text="Recorded in the audit trail."
    )


class ReleaseForm(NamedErrorsMixin, forms.Form):
    reason = written_field(
        "Reason for releasing the reviewer",
        "Give the reason for releasing this reviewer.",
        help_text="Recorded in the audit trail.",
    )


class QueueFilterForm(NamedErrorsMixin, forms.Form):
    """The convenor queue's search and filters (a GET form: the URL holds the whole state)."""

    q = forms.CharField(label="Search by programme or provider", required=False, max_length=200)
    focus = forms.ChoiceField(label="Who it is for", required=False)
    provider_type = forms.ChoiceField(label="Provider type", required=False)
    # An int where the stubs expect a str: TypedChoiceField returns empty_value as it is, uncoerced.
    per_page = forms.TypedChoiceField(label="Rows per page", required=False, coerce=int, empty_value=25)  # type: ignore[arg-type]

    def __init__(self, *args, **kwargs):
        from programmes.vocabulary import FocusLevel
        from providers.vocabulary import ProviderType
        from reviews.selectors import QUEUE_PAGE_SIZES

        super().__init__(*args, **kwargs)
        self.fields["focus"].choices = [("", "Any"), *FocusLevel.choices]
        self.fields["provider_type"].choices = [("", "Any"), *ProviderType.choices]
        self.fields["per_page"].choices = [(str(size), str(size)) for size in QUEUE_PAGE_SIZES]


class AssignmentFilterForm(NamedErrorsMixin, forms.Form):
    q = forms.CharField(label="Search by programme title", required=False, max_length=200)
    state = forms.ChoiceField(label="Status", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "Any"), *ReviewState.choices]
