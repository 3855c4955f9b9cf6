"""Forms for concerns. The public form resists automation without a CAPTCHA service: a field
people never see (a script fills it in), and a signed time stamp that must be a few seconds old
(a script posts at once) and no more than a day old (a stale or replayed form)."""

from __future__ import annotations

import time

from django import forms
from django.core import signing
from django.http import QueryDict

from qaportal.forms import NamedErrorsMixin, PlainCharField
from reviews.forms import optional_text_area

MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 24 * 3600
_SIGNER_SALT = "concern-form"


def form_stamp() -> str:
    return signing.dumps({"shown_at": time.time()}, salt=_SIGNER_SALT)


def stamp_age(stamp: str) -> float:
    """Seconds since the form was shown; raises ``signing.BadSignature`` for a forged or stale stamp."""
    shown = signing.loads(stamp, salt=_SIGNER_SALT, max_age=MAX_FORM_AGE_SECONDS)
    age = time.time() - float(shown["shown_at"])
    if age > MAX_FORM_AGE_SECONDS:
        raise signing.SignatureExpired(f"The form is {age:.0f} seconds old.")
    return age


def automation_refusal(*, website: str, stamp: str) -> str | None:
    """Why an anonymous concern looks automated (the form's and the API's one rule), or None: the
    hidden field filled in, a stamp forged, stale, or younger than a person takes to write."""
    if website:
        return "Your concern could not be sent. Leave the last field empty and try again."
    try:
        age = stamp_age(stamp or "")
    except signing.SignatureExpired:
        return "This form has expired. Check what you typed and send it again."
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return "Your concern could not be sent. Reload the page and try again."
    if age < MIN_FILL_SECONDS:
        return "That was sent very quickly. Check what you typed and send it again."
    return None


class ConcernForm(NamedErrorsMixin, forms.Form):
    what = PlainCharField(
        label="What is your concern?",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For example, a claim on the register that does not match what is delivered.",
    )
    evidence = optional_text_area(
        "What evidence do you have? (optional)",
        "Links, dates, documents you could share. Do not include anyone's personal details.",
    )
    contact = PlainCharField(
        label="How can we contact you? (optional)",
        required=False,
        max_length=254,
        help_text="An e-mail address or phone number. Only the register's convenors see it, never the provider.",
    )
    # Hidden from people (visually and from assistive technology); left empty by them.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    stamp = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})["stamp"] = form_stamp()
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        refusal = automation_refusal(website=data.get("website", ""), stamp=data.get("stamp", ""))
        if refusal:
            raise forms.ValidationError(refusal)
        return data

    def fresh_stamp(self) -> None:
        """A refused form is shown again with a new stamp, keeping everything typed."""
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data["stamp"] = form_stamp()
        self.data = data


class ConcernResponseForm(NamedErrorsMixin, forms.Form):
    response = forms.CharField(label="Your response", widget=forms.Textarea(attrs={"rows": 6}))


class DismissForm(NamedErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Why is it dismissed?", widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept in the audit trail."
    )


class AskProviderForm(NamedErrorsMixin, forms.Form):
    question = forms.CharField(label="What should the provider answer?", widget=forms.Textarea(attrs={"rows": 3}))


class OrderRereviewForm(NamedErrorsMixin, forms.Form):
    public_summary = forms.CharField(
        label="Summary for the programme's public page",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the concern was about, in neutral terms, without anyone's personal details.",
    )
