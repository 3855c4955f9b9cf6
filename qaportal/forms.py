"""The register's form rendering, and error messages that name the field in the person's words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.forms.renderers import TemplatesSetting
from django.utils.translation import get_language

from qaportal.text import PlainTextValidator, field_noun


def choice_pairs(field: forms.Field) -> Iterable[tuple[Any, Any]]:
    """A choice field's choices as Django normalised them when they were set: (value, label), or
    (group label, [(value, label), …]) for a group."""
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(field).__name__} has no choices")
    # The stubs type the getter as anything that may be assigned (a Choices class, a mapping, a
    # callable); the setter has already normalised those into pairs.
    pairs: Iterable[tuple[Any, Any]] = field.choices  # type: ignore[assignment]
    return pairs


class GovukFormRenderer(TemplatesSetting):
    """Renders ``{{ form }}`` and ``{{ field.as_field_group }}`` as GOV.UK form groups."""

    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"


class PlainCharField(forms.CharField):
    """A text field that refuses control characters, naming itself in the error.

    Line breaks and tabs are allowed only when it is written in a text area.
    """

    def __init__(self, *args, multiline: bool | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.multiline = isinstance(self.widget, forms.Textarea) if multiline is None else multiline
        # The rule below names the character and the field; Django's own null check would repeat it vaguely.
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]

    def validate(self, value):
        super().validate(value)
        PlainTextValidator(field_noun(self.label), multiline=self.multiline)(value)


def written_field(label: str, required_message: str, *, rows: int = 4, **more) -> PlainCharField:
    """A required text area for a person's own words (a reason, a response, a note to someone).

    ``required_message`` says what to write when it is left empty.
    """
    return PlainCharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message},
        **more,
    )


@lru_cache(maxsize=1024)
def _subject(label: str) -> str:
    """ "Cost per participant (£)" → "Cost per participant": the field as a sentence's subject."""
    subject = re.sub(r"\s*\((optional|£)\)", "", str(label)).strip().rstrip("?:").strip()
    return subject[:1].upper() + subject[1:]


@lru_cache(maxsize=1024)
def _plain_messages(field_class: type[forms.Field], subject: str) -> dict[str, str]:
    """The messages of a field of this class about this subject (kept: forms are made per request)."""
    lower = subject[:1].lower() + subject[1:]
    choosing = issubclass(field_class, (forms.ChoiceField, forms.BooleanField))
    messages = {
        "required": f"Select {lower}" if choosing else f"Enter {lower}",
        "max_length": f"{subject} must be %(limit_value)d characters or fewer (it has %(show_value)d)",
        "min_length": f"{subject} must be at least %(limit_value)d characters (it has %(show_value)d)",
        "max_value": f"{subject} must be %(limit_value)s or less",
        "min_value": f"{subject} must be %(limit_value)s or more",
        "invalid_choice": f"“%(value)s” is not one of the options for {lower}; select one from the list",
        "max_digits": f"{subject} must have no more than %(max)s digits",
        "max_decimal_places": f"{subject} must have no more than %(max)s decimal places, for example 450.50",
        "max_whole_digits": f"{subject} must have no more than %(max)s digits before the decimal point",
        "invalid_list": f"Select {lower} from the options given",
        # Django's own null check on every CharField (an e-mail address, a web address, a hidden
        # field) says "Null characters are not allowed." without naming the field.
        "null_characters_not_allowed": (
            f"{subject} must not contain control characters (it has U+0000). Remove them and try again."
        ),
    }
    if issubclass(field_class, forms.IntegerField) and not issubclass(field_class, forms.DecimalField):
        messages["invalid"] = f"{subject} must be a whole number, for example 12"
    elif issubclass(field_class, (forms.DecimalField, forms.FloatField)):
        messages["invalid"] = f"{subject} must be a number, for example 450"
    elif issubclass(field_class, forms.EmailField):
        messages["invalid"] = f"{subject} must be an e-mail address, like name@example.com"
    elif issubclass(field_class, forms.URLField):
        messages["invalid"] = f"{subject} must be a web address starting https://"
    elif issubclass(field_class, forms.DateField):
        messages["invalid"] = f"{subject} must be a real date, for example 31/7/2024"
    return messages


@lru_cache(maxsize=256)
def _django_defaults(field_class: type[forms.Field], language: str | None) -> dict[str, tuple[Any, str]]:
    """Django's own messages for this class: code → (the message, its text in this language)."""
    defaults: dict[str, Any] = {}
    for klass in reversed(field_class.__mro__):
        defaults.update(getattr(klass, "default_error_messages", {}))
    return {code: (message, str(message)) for code, message in defaults.items()}


def _is_default(message: Any, default: tuple[Any, str] | None) -> bool:
    return default is not None and (message is default[0] or str(message) == default[1])


def _keeps_the_text_rule(field: forms.Field, label: str) -> None:
    """Give a plain Django text field (a web or e-mail address, a code, a convenor's wording) the
    register's text rule, as ``PlainCharField`` has it; a password is the person's own secret."""
    if not isinstance(field, forms.CharField) or isinstance(field, PlainCharField):
        return
    if isinstance(field.widget, forms.PasswordInput) or any(
        isinstance(v, PlainTextValidator) for v in field.validators
    ):
        return
    rule = PlainTextValidator(field_noun(label), multiline=isinstance(field.widget, forms.Textarea))
    field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)] + [rule]


class NamedErrorsMixin:
    """Replaces Django's generic messages ("This field is required.", "Ensure this value has at most
    200 characters") with ones that name the field; messages a form sets itself are kept. Every text
    field keeps the register's text rule (no control characters), whichever field class it is.

    Every form of the register has it (a test walks them all)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = get_language()
        for name, field in self.fields.items():
            label = str(field.label or name.replace("_", " ").capitalize())
            _keeps_the_text_rule(field, label)
            defaults = _django_defaults(type(field), language)
            plain = _plain_messages(type(field), _subject(label))
            for code, message in plain.items():
                current = field.error_messages.get(code)
                if current is None or _is_default(current, defaults.get(code)):
                    field.error_messages[code] = message


class SignInForm(NamedErrorsMixin, AuthenticationForm):
    """Django's sign-in form, with the username's length checked before anyone is asked.

    Django only sets the input's maxlength; a longer username reached the lock-out records
    (255 characters) and failed there with a 500 instead of a form error.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        limit = username.max_length
        message = f"Enter a username of {limit} characters or fewer (it has %(show_value)d)"
        username.validators.append(MaxLengthValidator(limit))
        username.error_messages["max_length"] = message


class PasswordResetForm(NamedErrorsMixin, auth_forms.PasswordResetForm):
    """Django's reset request, whose address field said "Enter a valid email address."."""


class SetPasswordForm(NamedErrorsMixin, auth_forms.SetPasswordForm):
    """Django's new-password form (from a reset link), naming each password field in its errors."""


class PasswordChangeForm(NamedErrorsMixin, auth_forms.PasswordChangeForm):
    """Django's change-password form, naming each password field in its errors."""
