"""The one rule for who is asking: the client's address, as the trusted proxies saw it.

Behind ``TRUSTED_PROXY_COUNT`` proxies, each appending the address it received the request from to
``X-Forwarded-For``, the client is the entry that many places from the right: everything to its left
was written by the client and can be anything. With no trusted proxy the header is ignored.
Sign-in lock-out, the API throttles and the security log all ask this function.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if not forwarded:
        # Reached directly, not through the proxy (a health probe on the host, say).
        return remote
    candidate = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        # A trusted proxy never writes this; only a client reaching the app directly could.
        return remote
