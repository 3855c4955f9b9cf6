"""One rule for the text people type: no control characters, anywhere a person's words are kept.

Control characters (C0 and C1), the non-characters (U+FDD0–U+FDEF and U+nFFFE/U+nFFFF) and lone
surrogates are invisible in a page, break XML (the badge, the workbook) and mean nothing in a
name or a paragraph, so they are refused with an error that says so, never stored. Tab, line feed
and carriage return are ordinary text in a multi-line field and stay allowed there.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BASIC_NON_CHARACTERS = "\ufdd0-\ufdef\ufffe\uffff"
_NON_CHARACTERS = _BASIC_NON_CHARACTERS + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)
)
_SURROGATES = "\ud800-\udfff"
MULTI_LINE_FORBIDDEN = re.compile(f"[{_CONTROL}{_NON_CHARACTERS}{_SURROGATES}]")
SINGLE_LINE_FORBIDDEN = re.compile(f"[\t\n\r{_CONTROL}{_NON_CHARACTERS}{_SURROGATES}]")


def _escaped(characters: str) -> str:
    """A character class's contents as ``\\uXXXX`` escapes, which ECMA-262 (the OpenAPI schema's
    dialect) and Python's ``re`` read alike."""
    return "".join(character if character == "-" else f"\\u{ord(character):04X}" for character in characters)


def schema_pattern(*, multiline: bool, not_blank: bool) -> str:
    """The text rule as a whole-string regex for the OpenAPI schema, so that a client (or a fuzzer)
    reads from the schema which text is accepted: no control character or non-character, and with
    ``not_blank`` at least one that is not a space.

    It names the basic plane's characters only. Lone surrogates are no UTF-8 text's and do not
    compile in a Unicode regex; the 32 non-characters beyond the basic plane (U+1FFFE…U+10FFFF) are
    left to the validator, because the schema tools' regex engines refuse a class that names them
    (schemathesis cannot generate from it)."""
    forbidden = _escaped(_CONTROL + _BASIC_NON_CHARACTERS)
    if not multiline:
        forbidden = "\\t\\n\\r" + forbidden
    if not not_blank:
        return f"^[^{forbidden}]*$"
    return f"^[^{forbidden}]*[^\\s{forbidden}][^{forbidden}]*$"


def first_forbidden_character(value: str, *, multiline: bool) -> str | None:
    found = (MULTI_LINE_FORBIDDEN if multiline else SINGLE_LINE_FORBIDDEN).search(value)
    return found.group() if found else None


LONE_SURROGATE = re.compile(f"[{_SURROGATES}]")


def encodable(value: str) -> str:
    """Text that can be sent as UTF-8: a lone surrogate (which a JSON body can carry as
    ``\\ud800``, though no UTF-8 text can) becomes U+FFFD. For echoing what a client sent."""
    return LONE_SURROGATE.sub("\ufffd", value)


def without_forbidden_characters(value: str) -> str:
    """Text safe for XML and spreadsheets whatever was stored: forbidden characters become U+FFFD."""
    return MULTI_LINE_FORBIDDEN.sub("\ufffd", value)


def search_words(value: str | None, *, limit: int = 100) -> str:
    """What a person typed into a list's search box, as text a query can hold: forbidden characters
    (PostgreSQL refuses a NUL in any string) are dropped, spaces trimmed, at most ``limit`` kept."""
    return MULTI_LINE_FORBIDDEN.sub("", value or "").strip()[:limit]


def field_noun(label: str | None) -> str:
    """A form label as the subject of an error: "Organisation (optional)" → "Organisation"."""
    text = (label or "").replace("(optional)", "").strip().rstrip(":")
    return text if text and not text.endswith("?") else "Your answer"


def describe(character: str) -> str:
    if character in "\t\n\r":
        return "line breaks or tabs"
    return f"control characters (it has U+{ord(character):04X})"


@deconstructible
class PlainTextValidator:
    """Refuses control characters; ``label`` names the field in the person's words."""

    code = "control_characters"

    def __init__(self, label: str = "This field", *, multiline: bool = False):
        self.label = label
        self.multiline = multiline

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        character = first_forbidden_character(value, multiline=self.multiline)
        if character is not None:
            raise ValidationError(
                "%(label)s must not contain %(what)s. Remove them and try again.",
                code=self.code,
                params={"label": self.label, "what": describe(character)},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, PlainTextValidator) and (self.label, self.multiline) == (other.label, other.multiline)
