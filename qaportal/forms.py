from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.forms.renderers import TemplatesSetting

from qaportal.text import PlainTextValidator, field_noun


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


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the username's length checked before anyone is asked.

    Django only sets the input's maxlength; a longer username reached the lock-out records
    (255 characters) and failed there with a 500 instead of a form error.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
