from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class FormSubmission(models.Model):
    """A create form, sent once: its one-time token and what sending it made.

    The token is the primary key, so a second request with the same token (a double click, a
    resent form) waits on the first one's row and then finds what it made (``qaportal.submissions``).
    """

    token = models.UUIDField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Form submission {self.token}"
