from django import forms

from providers.models import Provider
from qaportal.forms import NamedErrorsMixin


class ImportUploadForm(NamedErrorsMixin, forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file (saved as UTF-8) or an Excel workbook (.xlsx), with the template's header row.",
        error_messages={"required": "Choose a CSV or Excel file to upload.", "empty": "The file is empty."},
    )


class ProviderChoiceForm(NamedErrorsMixin, forms.Form):
    provider = forms.SlugField(
        label="Provider's web address name",
        help_text="The end of its page's address, for example northgate-learning-trust",
        error_messages={"required": "Enter the provider's web address name."},
    )

    def clean_provider(self):
        slug = self.cleaned_data["provider"]
        provider = Provider.objects.filter(slug=slug).first()
        if provider is None:
            raise forms.ValidationError(f"No provider has the web address name “{slug}”.")
        return provider
