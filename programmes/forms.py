"""The provider editor's forms: a programme, its evidence portfolio, withdrawal, right of reply."""

from __future__ import annotations

from django import forms
from django.core.validators import URLValidator

from programmes import local_authorities, policies
from programmes.models import EvidenceStatement, Programme
from programmes.services import (
    CONTACT_HOURS_BOUNDS,
    DURATION_WEEKS_BOUNDS,
    EDITABLE_FIELDS,
    EvidenceInput,
    local_authority_errors,
    programme_length_errors,
)
from programmes.vocabulary import ElementKey
from qaportal.forms import NamedErrorsMixin, PlainCharField, written_field
from qaportal.submissions import OneSubmissionForm

ELEMENT_PROMPTS = {
    ElementKey.PURPOSE: "What need does the programme meet, what outcomes does it intend, and how is impact evaluated?",
    ElementKey.GOVERNANCE: "Who is accountable for quality, how are facilitators checked, and how does it improve?",
    ElementKey.PROCESS: "How is learning sustained, collaborative, practised with feedback and embedded in school?",
    ElementKey.DEFINITIONS: "What evidence is the content based on, and how are standards and assessment defined?",
    ElementKey.VALUE: "What does it cost in full, how is it funded, and how is learning shared beyond the school?",
}


class LocalAuthoritiesField(forms.MultipleChoiceField):
    """Local authorities as GOV.UK checkboxes, one group per region (each a details element that
    opens without JavaScript); cleans to the sorted codes the model stores.

    The 153 choices are read once per process (``programmes.local_authorities``) and shared by every
    copy of the field, and a code is checked with a dictionary look-up: a bulk import builds a form
    per row, and copying and scanning the choices each time was most of its cost.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("template_name", "forms/govuk_grouped_checkboxes.html")
        super().__init__(choices=(), widget=forms.CheckboxSelectMultiple, **kwargs)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        # Already in the normalised shape; the public setters would normalise all 153 again.
        result._choices = result.widget._choices = local_authorities.grouped_choices()
        return result

    def valid_value(self, value) -> bool:
        return str(value) in local_authorities.by_code()

    def clean(self, value):
        return sorted(set(super().clean(value)))

    def has_changed(self, initial, data):
        return set(initial or ()) != set(data or ())


class ProgrammeForm(OneSubmissionForm, NamedErrorsMixin, forms.ModelForm):
    local_authorities = LocalAuthoritiesField(
        label="Local authorities it is delivered in (optional)",
        help_text="For programmes delivered face to face or blended. Each must be in one of the regions you selected.",
    )

    class Meta:
        model = Programme
        fields = EDITABLE_FIELDS
        labels = {
            "title": "Programme title",
            "focus_level": "Who is it for?",
            "format": "Format",
            "delivery_mode": "How is it delivered?",
            "cost_per_participant": "Cost per participant (£)",
            "funding_routes": "Funding routes (optional)",
            "target_staff": "Which staff is it for? (optional)",
            "contact_hours": "Contact time (hours)",
            "duration_weeks": "Length (weeks)",
            "contact_email": "Contact e-mail address (optional)",
            "booking_url": "Booking page (optional)",
            "next_start_on": "Next start date (optional)",
        }
        help_texts = {
            "intended_outcomes": "What participants, and through them pupils, will gain.",
            "booking_url": "Starting https://, for example https://www.example.org.uk/book",
            "next_start_on": "For example, 14/9/2027",
            "contact_email": "For example, courses@example.org.uk",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "intended_outcomes": forms.Textarea(attrs={"rows": 4}),
            "evidence_base": forms.Textarea(attrs={"rows": 4}),
            "focus_level": forms.RadioSelect,
            "format": forms.RadioSelect,
            "delivery_mode": forms.RadioSelect,
            "next_start_on": forms.DateInput(format="%d/%m/%Y"),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        }
        error_messages = {
            "title": {"required": "Enter the programme's title."},
            "summary": {"required": "Enter a short summary."},
            "focus_level": {"required": "Select who the programme is for."},
            "format": {"required": "Select the programme's format."},
            "delivery_mode": {"required": "Select how the programme is delivered."},
            "contact_hours": {
                "required": "Enter the hours of contact time.",
                "invalid": "Enter the contact time as a whole number of hours, for example 18.",
            },
            "duration_weeks": {
                "required": "Enter the length in weeks.",
                "invalid": "Enter the length as a whole number of weeks, for example 12.",
            },
            "cost_per_participant": {
                "required": "Enter the cost per participant; enter 0 if it is free.",
                "invalid": "Enter the cost as a number of pounds, for example 450 or 450.00.",
            },
            "intended_outcomes": {"required": "Enter the intended outcomes."},
            "evidence_base": {"required": "Enter the evidence the programme draws on."},
            "phases": {"required": "Select at least one phase."},
            "regions": {"required": "Select at least one region."},
            "contact_email": {"invalid": "Enter an e-mail address like courses@example.org.uk"},
            "booking_url": {"invalid": "Enter a web address starting https://"},
            "next_start_on": {"invalid": "Enter the next start date as day/month/year, for example 14/9/2027"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_start_on"].input_formats = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %m %Y"]
        # The hint promises https://, so the rule keeps it.
        self.fields["booking_url"].validators.append(
            URLValidator(schemes=["https"], message="Enter a web address starting https://")
        )
        self.fields["booking_url"].assume_scheme = "https"
        self._limit_choices_and_lengths()

    def explain_published_changes(self) -> None:
        """On a published programme, say beside each field what happens when it changes."""
        for name in (*policies.REVIEWED_FIELDS, *policies.PUBLIC_TEXT_FIELDS):
            note = (
                "A convenor checks a change to this before it is published."
                if name in policies.PUBLIC_TEXT_FIELDS
                else "The reviewers assessed this: a change goes to a convenor, who decides whether the rating stands."
            )
            field = self.fields[name]
            field.help_text = f"{field.help_text} {note}".strip()

    def _limit_choices_and_lengths(self):
        # Radio buttons have no empty choice: a value must be picked on purpose.
        for name in ("focus_level", "format", "delivery_mode"):
            self.fields[name].choices = [choice for choice in self.fields[name].choices if choice[0]]
        # Only the service's bounds apply, so the person reads one message that names the field.
        for name, (low, high) in (("contact_hours", CONTACT_HOURS_BOUNDS), ("duration_weeks", DURATION_WEEKS_BOUNDS)):
            field = self.fields[name]
            field.validators = [v for v in field.validators if not hasattr(v, "limit_value")]
            field.widget.attrs.update(min=low, max=high)

    def clean(self):
        cleaned = super().clean()
        errors = programme_length_errors(
            contact_hours=cleaned.get("contact_hours"), duration_weeks=cleaned.get("duration_weeks")
        )
        errors.update(
            local_authority_errors(
                delivery_mode=cleaned.get("delivery_mode"),
                regions=cleaned.get("regions"),
                codes=cleaned.get("local_authorities"),
            )
        )
        for name, messages in errors.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, messages)
        return cleaned


class EvidenceForm(NamedErrorsMixin, forms.Form):
    """The evidence portfolio: a statement and links for each of the five elements."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for element in ElementKey:
            self.fields[f"statement_{element.value}"] = PlainCharField(
                label=f"{element.label}: evidence statement",
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=ELEMENT_PROMPTS[element],
            )
            self.fields[f"links_{element.value}"] = PlainCharField(
                label=f"{element.label}: supporting links (optional)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="One web address per line, starting https://",
            )

    @staticmethod
    def initial_from(statements: list[EvidenceStatement]) -> dict:
        initial = {}
        for statement in statements:
            initial[f"statement_{statement.element}"] = statement.statement
            initial[f"links_{statement.element}"] = statement.links
        return initial

    def element_groups(self):
        return [(element, self[f"statement_{element.value}"], self[f"links_{element.value}"]) for element in ElementKey]

    def evidence(self) -> dict[str, EvidenceInput]:
        return {
            element.value: EvidenceInput(
                statement=self.cleaned_data[f"statement_{element.value}"],
                links=self.cleaned_data[f"links_{element.value}"],
            )
            for element in ElementKey
        }


class ProgrammeWithdrawForm(NamedErrorsMixin, forms.Form):
    reason = written_field(
        "Why are you withdrawing this programme?",
        "Give the reason for withdrawing the programme.",
        rows=3,
        help_text="For example, “We no longer run this programme”. Recorded in the audit trail.",
    )


class ResponseForm(NamedErrorsMixin, forms.Form):
    text = written_field(
        "Your response",
        "Write your response.",
        rows=6,
        help_text="Shown beside the rating on the public page. At least 20 characters.",
    )


class ChangeDecisionForm(NamedErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve the change."},
    )
    note = forms.CharField(
        label="Note to the provider (needed if you do not approve it)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, change, **kwargs):
        super().__init__(*args, **kwargs)
        reviewed = change.kind in (change.Kind.REVIEWED, change.Kind.EVIDENCE)
        choices = [("approve", "Approve: the rating stands" if reviewed else "Approve and publish")]
        if reviewed:
            choices.append(("re-review", "Approve, and a re-review is needed before the rating can stand"))
        choices.append(("reject", "Do not approve"))
        self.fields["decision"].choices = choices
