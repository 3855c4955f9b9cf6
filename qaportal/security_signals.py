"""Receivers that turn Django's, axes' and DRF's account events into security events, and revoke a
user's API tokens whenever their password changes, whichever way it changed (the form, a reset, the
admin, ``changepassword``)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver

from qaportal.security_log import Event, security_event


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    security_event(Event.SIGNIN_SUCCEEDED, request=request, user=user)


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs):
    # ``credentials`` holds the password too: only the username is read.
    security_event(Event.SIGNIN_FAILED, request=request, username=str(credentials.get("username", "")))


@receiver(user_locked_out)
def locked_out(sender, request, username, ip_address, **kwargs):
    security_event(Event.LOCKED_OUT, request=request, username=str(username or ""))


@receiver(pre_save, sender=get_user_model())
def revoke_tokens_when_the_password_changes(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    from qaportal.api.tokens import tokens_revoke

    stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        security_event(Event.PASSWORD_CHANGED, user=instance)
        tokens_revoke(user=instance, reason="password changed")
