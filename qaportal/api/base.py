"""What every API view shares: JSON in and out, token or session authentication, anonymous
throttling, numbered pages, the one error shape and the schema's error responses.

Every view in the apps' ``api/`` packages inherits from one of these classes, so no view can
forget a rule that the whole API keeps.
"""

import uuid
from types import SimpleNamespace

from rest_framework import exceptions, generics
from rest_framework.authentication import SessionAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import BasePagination
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from qaportal.api.authentication import RegisterTokenAuthentication
from qaportal.api.exceptions import api_exception_handler
from qaportal.api.pagination import RegisterPagination
from qaportal.api.parsers import RegisterJSONParser
from qaportal.api.schema import RegisterAutoSchema
from qaportal.api.throttling import AnonymousRateThrottle


class JSONNegotiation(DefaultContentNegotiation):
    """DRF would read ``?format=`` as a choice of renderer (and 404 on ``?format=coaching``); here
    ``format`` is a programme's format, a directory filter. There is one renderer: JSON."""

    # DRF reads only URL_FORMAT_OVERRIDE from it; the stubs type it as the whole api_settings.
    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)  # type: ignore[assignment]


class RegisterAPIView(APIView):
    # Token first: an anonymous request to a signed-in-only endpoint then gets 401 with
    # "WWW-Authenticate: Token" rather than a bare 403. Session authentication keeps Django's
    # CSRF check for every unsafe request made with a session cookie.
    authentication_classes = [RegisterTokenAuthentication, SessionAuthentication]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONNegotiation
    parser_classes = [RegisterJSONParser]
    throttle_classes = [AnonymousRateThrottle]
    pagination_class: type[BasePagination] | None = RegisterPagination
    schema = RegisterAutoSchema()
    # The OpenAPI schema describes every endpoint; OPTIONS answers 405 rather than a second,
    # partial description.
    metadata_class = None

    def get_exception_handler(self):
        return api_exception_handler


class RegisterListView(RegisterAPIView, generics.ListAPIView):
    pass


class RegisterRetrieveView(RegisterAPIView, generics.RetrieveAPIView):
    pass


class RegisterGenericView(RegisterAPIView, generics.GenericAPIView):
    pass


def idempotency_key(request) -> uuid.UUID | None:
    """The client's ``Idempotency-Key`` header (a UUID): a create sent twice with it makes one thing."""
    raw = request.headers.get("Idempotency-Key")
    # Sent empty is not the same as not sent: it is a key in the wrong form.
    if raw is None:
        return None
    try:
        key = uuid.UUID(raw)
    except ValueError:
        key = None
    if key is None or str(key) != raw.lower():
        raise exceptions.ValidationError(
            {"Idempotency-Key": ["Send a UUID such as 3f1c0c1e-5d2a-4b7e-9a51-0c2b6f9e8d47."]}
        )
    return key
