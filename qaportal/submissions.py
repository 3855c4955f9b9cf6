"""Create forms that make one thing however often they are sent.

Every create form carries a one-time token (a hidden field, new each time the form is shown).
``create_once`` claims the token by inserting it, in the same transaction as the create; a second
request with the token — a double click, a refresh that resends the form — waits on that insert
and, once the first commits, is handed what it made instead of making another. If the first
fails, its claim is rolled back with it and the form can be sent again.
"""

import uuid
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django import forms
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction

from qaportal.errors import ValidationFailed
from qaportal.models import FormSubmission

TOKEN_FIELD = "submission_token"
Made = TypeVar("Made", bound=models.Model)


class OneSubmissionForm:
    """Adds the hidden one-time token; mix into any form (or model form) that creates something."""

    # Provided by the form this is mixed into.
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[TOKEN_FIELD] = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    @property
    def submission_token(self) -> uuid.UUID | None:
        return self.cleaned_data.get(TOKEN_FIELD)


def create_once(*, token: uuid.UUID | None, by: User, create: Callable[[], Made]) -> Made:
    """``create()``, unless this token was already used: then what that use made."""
    if token is None:
        return create()
    with transaction.atomic():
        try:
            with transaction.atomic():
                FormSubmission.objects.create(token=token, user=by)
        except IntegrityError:
            # The token was used by this same form, so what it made is what create() makes.
            return cast(Made, _made_by(token, by))
        made = create()
        FormSubmission.objects.filter(token=token).update(
            content_type=ContentType.objects.get_for_model(made), object_id=str(made.pk)
        )
        return made


def _made_by(token: uuid.UUID, by: User) -> models.Model:
    earlier = FormSubmission.objects.select_related("content_type").get(token=token)
    if earlier.user_id != by.id or earlier.content_type is None:
        raise ValidationFailed("This form has already been sent. Reload the page and try again.")
    try:
        return earlier.content_type.get_object_for_this_type(pk=earlier.object_id)
    except models.ObjectDoesNotExist as gone:
        raise ValidationFailed("This form was sent already, and what it made has since been removed.") from gone
