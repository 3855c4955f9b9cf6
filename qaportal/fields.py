"""A set of choices stored as a bitmask in one integer column.

Regions, phases and funding routes are small fixed vocabularies that the directory filters
and counts on every request. As a bitmask they need no join table, filter with one bitwise
AND, and let one aggregate count every facet in a single pass.
The bit of a choice is its position in the choices class, so members may be appended but
never reordered or removed.
"""

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Lookup
from django.utils.functional import cached_property
from django.utils.text import capfirst

from qaportal.text import PlainTextValidator


class ChoiceSet(frozenset):
    """The Python value of a ChoiceSetField: a frozenset of choice values that knows their labels."""

    choices_class: type[models.TextChoices]

    def labels(self) -> list[str]:
        return [member.label for member in self.choices_class if member.value in self]

    def __str__(self) -> str:
        return ", ".join(self.labels())


def choice_set_class(choices_class: type[models.TextChoices]) -> type[ChoiceSet]:
    return type(f"{choices_class.__name__}Set", (ChoiceSet,), {"choices_class": choices_class})


class ChoiceSetFormField(forms.TypedMultipleChoiceField):
    """Ticks the stored values: a ChoiceSet is a frozenset, which a choice widget would read as one value."""

    def prepare_value(self, value):
        if isinstance(value, (set, frozenset)):
            return sorted(value)
        return value

    def has_changed(self, initial, data):
        return set(self.prepare_value(initial) or ()) != set(data or ())


class ChoiceSetField(models.BigIntegerField):
    description = "A set of choices, stored as a bitmask"
    # What django-stubs takes a model attribute of this field to accept and to read back. The column
    # is a bigint but the Python value is a set, so these narrow IntegerField's types on purpose.
    _pyi_private_set_type: Iterable[str] | int  # type: ignore[assignment]
    _pyi_private_get_type: ChoiceSet  # type: ignore[assignment]

    def __init__(self, *args, choices_class: type[models.TextChoices], **kwargs):
        self.choices_class = choices_class
        self.set_class = choice_set_class(choices_class)
        kwargs.setdefault("default", 0)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices_class"] = self.choices_class
        if kwargs.get("default") == 0:
            del kwargs["default"]
        return name, path, args, kwargs

    @cached_property
    def validators(self):
        # Not BigIntegerField's range validators: the Python value is a set, never compared with numbers.
        return list(self._validators)

    def bit_of(self, value: str) -> int:
        for position, member in enumerate(self.choices_class):
            if member.value == value:
                return 1 << position
        raise ValidationError(f"{value!r} is not one of the allowed choices.")

    def mask_of(self, values: Iterable[str]) -> int:
        mask = 0
        for value in values:
            mask |= self.bit_of(value)
        return mask

    def values_of(self, mask: int) -> ChoiceSet:
        return self.set_class(
            member.value for position, member in enumerate(self.choices_class) if mask & (1 << position)
        )

    def to_python(self, value):
        if value is None or isinstance(value, ChoiceSet):
            return value
        if isinstance(value, int):
            return self.values_of(value)
        if isinstance(value, str):
            value = [value] if value else []
        return self.values_of(self.mask_of(value))

    def from_db_value(self, value, expression, connection):
        return None if value is None else self.values_of(value)

    def get_prep_value(self, value):
        if value is None or isinstance(value, int):
            return value
        if isinstance(value, str):
            value = [value]
        return self.mask_of(value)

    def value_to_string(self, obj):
        return ",".join(sorted(self.value_from_object(obj) or ()))

    def formfield(self, **kwargs):
        options = {
            "choices": self.choices_class.choices,
            "widget": forms.CheckboxSelectMultiple,
            "required": not self.blank,
            "label": capfirst(self.verbose_name),
            "help_text": self.help_text,
        }
        passed_on = ("required", "label", "help_text", "widget", "error_messages")
        options.update({key: kwargs[key] for key in passed_on if key in kwargs})
        return ChoiceSetFormField(**options)

    def validate(self, value, model_instance):
        if not value and not self.blank:
            raise ValidationError(self.error_messages["blank"], code="blank")


class _MaskLookup(Lookup):
    """A test of the stored bitmask against the bitmask of the values given.

    ``template`` is the SQL test, with ``{lhs}`` (the column) once and ``{rhs}`` (the values' mask) once or more.
    """

    template: str

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        rhs_uses = self.template.count("{rhs}")
        return self.template.format(lhs=lhs, rhs=rhs), [*lhs_params, *list(rhs_params) * rhs_uses]


@ChoiceSetField.register_lookup
class Overlaps(_MaskLookup):
    """``regions__overlaps=["london", "south-east"]``: holds at least one of the values."""

    lookup_name = "overlaps"
    template = "({lhs} & {rhs}) <> 0"


@ChoiceSetField.register_lookup
class ContainsAll(_MaskLookup):
    """``phases__has_all=["primary", "secondary"]``: holds every one of the values."""

    lookup_name = "has_all"
    template = "({lhs} & {rhs}) = {rhs}"


class _PlainText:
    """Model text that refuses control characters (``qaportal.text``), in forms, the API and the admin.

    The rule is validation, not schema: it deconstructs as Django's own field, so it needs no migration.
    """

    multiline = False

    @cached_property
    def validators(self):
        label = capfirst(self.verbose_name) if self.verbose_name else "This field"
        return [*super().validators, PlainTextValidator(label, multiline=self.multiline)]

    def formfield(self, **kwargs):
        from qaportal.forms import PlainCharField as PlainFormField

        if not self.choices:
            kwargs.setdefault("form_class", PlainFormField)
        return super().formfield(**kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, self.django_path, args, kwargs


class PlainCharField(_PlainText, models.CharField):
    django_path = "django.db.models.CharField"


class PlainTextField(_PlainText, models.TextField):
    django_path = "django.db.models.TextField"
    multiline = True


class PlainURLField(_PlainText, models.URLField):
    django_path = "django.db.models.URLField"

    def formfield(self, **kwargs):
        # The register's addresses are https (the forms' hints say so): a bare "example.org" typed
        # into any form built from this field, the admin's included, means https.
        kwargs.setdefault("assume_scheme", "https")
        return models.URLField.formfield(self, **kwargs)


def choice_set_field(model: type[models.Model], name: str) -> ChoiceSetField:
    """The model's ChoiceSetField of this name; any other field is a mistake in the caller."""
    field = model._meta.get_field(name)
    if not isinstance(field, ChoiceSetField):
        raise TypeError(f"{model.__name__}.{name} is not a ChoiceSetField")
    return field
