import re

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from qaportal.api.tokens import token_expired
from qaportal.security_log import Event, security_event

# DRF's keys are 40 hexadecimal characters; anything else cannot be a token. Checked before the
# database is asked, which would refuse a key holding a NUL byte with an error, not a "no".
TOKEN_KEY = re.compile(r"[0-9A-Za-z]{1,40}")


class RegisterTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        if not TOKEN_KEY.fullmatch(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            security_event(Event.TOKEN_EXPIRED, user=user)
            raise exceptions.AuthenticationFailed("This token has expired: ask for a new one.", code="token_expired")
        return user, token
