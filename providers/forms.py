from django import forms
from django.core.validators import URLValidator

from providers.models import PROFILE_FIELDS, Provider
from qaportal.forms import NamedErrorsMixin


class ProviderProfileForm(NamedErrorsMixin, forms.ModelForm):
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        assume_scheme="https",
        max_length=200,
        # The hint promises https://, so the rule keeps it: a plain http:// link is refused.
        validators=[URLValidator(schemes=["https"], message="Enter a web address starting https://")],
        help_text="For example, https://www.example.org.uk",
        error_messages={"invalid": "Enter a web address starting https://"},
    )

    class Meta:
        model = Provider
        fields = PROFILE_FIELDS
        labels = {
            "name": "Organisation name",
            "provider_type": "Type of provider",
            "description": "About the provider (optional)",
            "website": "Website (optional)",
            "schools_in_partnership": "Schools in the trust, hub or partnership (optional)",
        }
        help_texts = {"website": "For example, https://www.example.org.uk"}
        widgets = {"provider_type": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "name": {"required": "Enter the organisation's name."},
            "provider_type": {"required": "Select the type of provider."},
            "website": {"invalid": "Enter a web address, starting https://"},
            "regions": {"required": "Select at least one region."},
            "phases": {"required": "Select at least one phase."},
            "schools_in_partnership": {"invalid": "Enter a whole number."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_type"].choices = [c for c in self.fields["provider_type"].choices if c[0]]
