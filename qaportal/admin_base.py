"""What every app's admin builds on: it shows the workflow's rows and never writes them itself.

States, scores, ratings, frameworks and the audit trail change only through their services (the
state machine, the audit entry, the stale marker, the search refresh); a plain admin save would
skip every one of them. So the admin reads those rows (``ReadOnlyAdmin``), and the few fields
staff may correct are saved by the owning app's service (``ServiceSavedAdmin``), which writes the
audit entry as any other caller's change would. Nothing here names an app: each app's ``admin.py``
says which service saves what.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.http import HttpRequest

from qaportal.errors import ValidationFailed, apply_to_form
from qaportal.fields import ChoiceSetField


class ReadOnly:
    """No add, change or delete: the admin lists and shows the rows only."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    extra = 0


class ServiceSavedAdmin(admin.ModelAdmin):
    """Only ``editable_fields`` can be changed here, and ``save_through`` (the app's service) saves
    them; every other field is shown read-only. ``check`` runs the service's own rules while the
    form is validated, so a refusal is shown beside its field rather than failing the save.
    Rows are created and removed on the register's own pages, never here."""

    editable_fields: tuple[str, ...] = ()
    # A set of choices is stored as a bigint bit mask; without this the admin gives it its number
    # input, whose one value the form refuses ("Enter a list of values"), so no save could succeed.
    formfield_overrides = {ChoiceSetField: {"widget": forms.CheckboxSelectMultiple}}

    def check_fields(self, obj: models.Model, data: dict[str, Any]) -> None:
        """Raise ``ValidationFailed`` for values the service would refuse (none, unless overridden)."""

    def save_through(self, obj: models.Model, by: User, data: dict[str, Any]) -> None:
        raise NotImplementedError(f"{type(self).__name__} names no service to save through")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = [*self.model._meta.concrete_fields, *self.model._meta.many_to_many]
        shown = [field.name for field in fields if field.name not in (self.exclude or ())]
        return [name for name in shown if name not in self.editable_fields]

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict:
        return {}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form_class = super().get_form(request, obj, change, **kwargs)
        check_fields = self.check_fields

        class CheckedForm(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                try:
                    check_fields(self.instance, self.typed_fields())
                except ValidationFailed as refused:
                    apply_to_form(self, refused)
                return cleaned

            def typed_fields(self) -> dict[str, Any]:
                names = {field.name for field in self._meta.model._meta.concrete_fields}
                return {name: value for name, value in self.cleaned_data.items() if name in names}

        return CheckedForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        self.save_through(obj, request.user, form.typed_fields())  # type: ignore[arg-type]
