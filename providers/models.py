from django.conf import settings
from django.db import models

from providers.vocabulary import Phase, ProviderType, Region
from qaportal.fields import ChoiceSetField, PlainCharField, PlainTextField, PlainURLField
from qaportal.reversing import reverse

# A provider's public profile, in the order the API lists it: its editors write these.
PROFILE_FIELDS: tuple[str, ...] = (
    "name",
    "provider_type",
    "regions",
    "phases",
    "description",
    "website",
    "schools_in_partnership",
)


class Provider(models.Model):
    """An organisation (or an individual system leader) that offers professional development."""

    name = PlainCharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    provider_type = PlainCharField(max_length=32, choices=ProviderType.choices, db_index=True)
    regions = ChoiceSetField(choices_class=Region, help_text="Regions where it delivers provision.")
    phases = ChoiceSetField(choices_class=Phase, help_text="School phases it serves.")
    description = PlainTextField(blank=True)
    website = PlainURLField(blank=True)
    # The sources' "context": who it is and whom it serves, for filters and for the reader.
    schools_in_partnership = models.PositiveIntegerField(
        null=True, blank=True, help_text="Schools in the trust, hub or partnership, where there is one."
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="editable_providers", help_text="Provider editors."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("providers:detail", kwargs={"slug": self.slug})
