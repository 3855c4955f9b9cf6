from rest_framework.throttling import AnonRateThrottle

from qaportal.client_address import client_address


class AnonymousRateThrottle(AnonRateThrottle):
    """DRF's anonymous throttle keyed on the trusted-proxy client address (qaportal.client_address),
    not on DRF's own reading of X-Forwarded-For, which a client can rotate at will."""

    def get_ident(self, request):
        return client_address(request)
