"""API tokens: issued for API_TOKEN_LIFETIME_DAYS, revoked when their owner's password changes."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from qaportal.security_log import Event, security_event


def token_expired(token: Token) -> bool:
    return token.created < timezone.now() - timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)


def token_issue(*, user, request=None) -> Token:
    """The user's token, a new one if they had none or theirs had expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and token_expired(token):
        token.delete()
        token = None
    if token is None:
        token = Token.objects.create(user=user)
        security_event(Event.TOKEN_ISSUED, request=request, user=user)
    return token


def tokens_revoke(*, user, reason: str, request=None) -> int:
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        security_event(Event.TOKEN_REVOKED, request=request, user=user, reason=reason)
    return deleted
