from typing import cast

from django import forms
from django.contrib.auth import password_validation

from leaders.models import AlertFrequency
from leaders.selectors import ProviderChoice
from providers.vocabulary import Phase
from qaportal.forms import NamedErrorsMixin, PlainCharField


class SignUpForm(NamedErrorsMixin, forms.Form):
    email = forms.EmailField(
        label="E-mail address", help_text="We send a link to confirm it. It is never shown to providers.",
        error_messages={"required": "Enter your e-mail address",
                        "invalid": "Enter an e-mail address in the right format, like name@school.org.uk"},
    )  # fmt: skip
    school_name = PlainCharField(label="School or trust (optional)", max_length=200, required=False)
    password = forms.CharField(
        label="Password", widget=forms.PasswordInput(render_value=True), strip=False,
        help_text="At least 8 characters, not a common password.",
        error_messages={"required": "Enter a password"},
    )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("email"):
            from django.contrib.auth.models import User

            try:
                password_validation.validate_password(cleaned["password"], User(username=cleaned["email"]))
            except forms.ValidationError as weak:
                self.add_error("password", weak)
        return cleaned


class ShortlistForm(NamedErrorsMixin, forms.Form):
    name = PlainCharField(label="Name of the shortlist", max_length=120,
                           error_messages={"required": "Enter a name for the shortlist"})  # fmt: skip


class NoteForm(NamedErrorsMixin, forms.Form):
    note = PlainCharField(label="Your note (private)", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"max_length": "Your note must be 2,000 characters or fewer"})  # fmt: skip


class AlertsForm(NamedErrorsMixin, forms.Form):
    alert_frequency = forms.ChoiceField(label="How often should we e-mail you?", choices=AlertFrequency.choices,
                                        widget=forms.RadioSelect)  # fmt: skip


class SavedSearchForm(NamedErrorsMixin, forms.Form):
    name = PlainCharField(label="Name of the search", max_length=120, required=False)
    url = forms.CharField(
        label="Address of a directory search", max_length=2000,
        help_text="Copy it from your browser's address bar on the programme directory.",
        error_messages={"required": "Paste the address of a directory search"},
    )  # fmt: skip


DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d %m %Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]


class EnquiryForm(NamedErrorsMixin, forms.Form):
    """Parses what the leader typed; the rules (ranges, dates, up to five providers, the daily limit)
    are the service's, whose errors land beside these fields."""

    need = PlainCharField(
        label="What do you need?", widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=2000,
        help_text="The focus, who it is for and anything providers should know. Do not include pupils' names.",
        error_messages={"max_length": "What you need must be 2,000 characters or fewer"},
    )  # fmt: skip
    phase = forms.ChoiceField(label="Phase", choices=Phase.choices, widget=forms.RadioSelect, required=False,
                              error_messages={"invalid_choice": "Choose the phase your staff teach in"})  # fmt: skip
    staff_count = forms.IntegerField(
        label="Number of staff", required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": "Enter the number of staff as a whole number from 1 to 10,000"},
    )  # fmt: skip
    starts_on = forms.DateField(
        label="Earliest start", input_formats=DATE_FORMATS, required=False, help_text="For example, 01/09/2026.",
        error_messages={"invalid": "Enter the earliest start as day/month/year, like 01/09/2026"},
    )  # fmt: skip
    ends_on = forms.DateField(
        label="Latest finish", input_formats=DATE_FORMATS, required=False, help_text="For example, 31/07/2027.",
        error_messages={"invalid": "Enter the latest finish as day/month/year, like 31/07/2027"},
    )  # fmt: skip
    providers = forms.MultipleChoiceField(
        label="Send it to", widget=forms.CheckboxSelectMultiple, required=False,
        help_text="Choose up to 5 providers. Each sees only its own conversation with you, and not your e-mail "
                  "address unless you choose to share it.",
        error_messages={"invalid_choice": "Choose providers from the list: the enquiry can go only to those"},
    )  # fmt: skip

    def __init__(self, *args, choices: list[ProviderChoice], **kwargs):
        super().__init__(*args, **kwargs)
        # A form's fields are deep copies typed as Field; this one is the class's MultipleChoiceField.
        cast(forms.MultipleChoiceField, self.fields["providers"]).choices = [
            (str(choice.provider.id), f"{choice.provider.name} (about {', '.join(p.title for p in choice.programmes)})")
            for choice in choices
        ]

    def enquiry_request(self):
        from leaders.services import EnquiryRequest

        data = getattr(self, "cleaned_data", {})
        return EnquiryRequest(
            need=data.get("need") or "", phase=data.get("phase") or "", staff_count=data.get("staff_count"),
            starts_on=data.get("starts_on"), ends_on=data.get("ends_on"),
            providers=[int(value) for value in data.get("providers") or []],
        )  # fmt: skip


class ReplyForm(NamedErrorsMixin, forms.Form):
    body = PlainCharField(label="Your reply", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000,
                           error_messages={"required": "Enter your reply",
                                           "max_length": "Your reply must be 4,000 characters or fewer"})  # fmt: skip
