"""The OpenAPI schema says, for every operation, which error statuses it can answer with and that
each comes in the one error shape (``qaportal.api.exceptions.ErrorSerializer``)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from qaportal.api.exceptions import ErrorSerializer

ERROR_DESCRIPTIONS = {
    "400": "The input or a query parameter is not valid; `errors` says which field and why.",
    "401": "Authentication is needed (send `Authorization: Token …` or sign in).",
    "403": "You are signed in but may not do this.",
    "404": "Not found, or not visible to you.",
    "405": "This method is not allowed here.",
    "409": "Refused: the object is not in a state that allows this change.",
    "410": "Gone: it has expired.",
    "413": "The body is larger than the register accepts (`REQUEST_BODY_MAX_BYTES`).",
    "415": "Send the body as application/json.",
    "429": "Too many requests from an anonymous client; wait for the number of seconds in Retry-After.",
}
ALWAYS = ("400", "401", "403", "404", "405", "429")
WRITES = ("409", "413", "415")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "format": "uuid", "pattern": "^[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}$"},
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A UUID of your choosing, in its usual form (8-4-4-4-12 hexadecimal digits): sending the same request "
        "again with it returns what the first made. Any other value is a 400."
    ),
)


def error_response(code: str, *, also: str = "") -> OpenApiResponse:
    """The error response for ``code``; ``also`` names what else, for this operation, answers with
    it (a rule between fields the schema cannot state, say)."""
    return OpenApiResponse(ErrorSerializer, description=" ".join(filter(None, [ERROR_DESCRIPTIONS[code], also])))


class RegisterAutoSchema(AutoSchema):
    def get_tags(self) -> list[str]:
        # Grouped in the docs by collection: /api/v1/programmes/… under "programmes".
        segments = [segment for segment in self.path.split("/") if segment]
        return [segments[2] if len(segments) > 2 else "api"]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ALWAYS + (WRITES if self.method in {"POST", "PUT", "PATCH", "DELETE"} else ())
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(error_response(code), code, direction=direction)
        return responses
