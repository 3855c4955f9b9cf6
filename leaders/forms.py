from django import forms
from django.contrib.auth import password_validation

from leaders.models import AlertFrequency
from qaportal.forms import PlainCharField


class SignUpForm(forms.Form):
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


class ShortlistForm(forms.Form):
    name = PlainCharField(label="Name of the shortlist", max_length=120,
                           error_messages={"required": "Enter a name for the shortlist"})  # fmt: skip


class NoteForm(forms.Form):
    note = PlainCharField(label="Your note (private)", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"max_length": "Your note must be 2,000 characters or fewer"})  # fmt: skip


class AlertsForm(forms.Form):
    alert_frequency = forms.ChoiceField(label="How often should we e-mail you?", choices=AlertFrequency.choices,
                                        widget=forms.RadioSelect)  # fmt: skip


class SavedSearchForm(forms.Form):
    name = PlainCharField(label="Name of the search", max_length=120, required=False)
    url = forms.CharField(
        label="Address of a directory search", max_length=2000,
        help_text="Copy it from your browser's address bar on the programme directory.",
        error_messages={"required": "Paste the address of a directory search"},
    )  # fmt: skip
