"""The API's one request parser: JSON, refused with a 400 however it is malformed."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class RegisterJSONParser(JSONParser):
    """DRF's JSON parser, which reports malformed JSON but lets nesting deep enough to exhaust
    Python's recursion limit escape as a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - the body is nested too deeply.") from error
