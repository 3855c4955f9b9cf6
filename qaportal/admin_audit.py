"""The Django admin writes the same audit trail as the services: a change made there to a
programme or a provider is recorded, who and from what to what, by ``reviews.audit.record_edit``."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from qaportal.fields import ChoiceSetField
from reviews import audit


class AuditedAdmin(admin.ModelAdmin):
    """``audited_as``: "programme" or "provider", what the saved object's events are about."""

    audited_as = "programme"
    # A set of choices is stored as a bigint bit mask; without this the admin gives it its number
    # input, whose one value the form refuses ("Enter a list of values"), so no save could succeed.
    formfield_overrides = {ChoiceSetField: {"widget": forms.CheckboxSelectMultiple}}

    def save_model(self, request, obj, form, change):
        fields = {}
        if change:
            # The form has already set the typed values on ``obj``; the row still has the old ones.
            stored = type(obj).objects.get(pk=obj.pk)
            names = tuple(name for name in form.changed_data if not obj._meta.get_field(name).many_to_many)
            fields = audit.differences(stored, form.cleaned_data, names)
        super().save_model(request, obj, form, change)
        if fields:
            about = {f"{self.audited_as}_id": obj.pk}
            audit.record_edit(actor=request.user, action=audit.Action.ADMIN, fields=fields, **about)
