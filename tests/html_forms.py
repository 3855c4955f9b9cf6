"""Read a page's forms as a browser would submit them: what the person sees filled in or ticked."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._textarea: list | None = None
        self._select: str | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._fields = []
        if self._fields is None:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "image", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._fields.append((name, attrs.get("value", "on")))
            else:
                self._fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            self._option = {"value": attrs.get("value"), "selected": "selected" in attrs, "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            value = self._textarea[1]
            # A browser drops the one newline that follows <textarea>.
            self._fields.append((self._textarea[0], value[1:] if value.startswith("\n") else value))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            if self._option["selected"]:
                value = self._option["value"]
                self._fields.append((self._select, value if value is not None else self._option["text"]))
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._fields is not None:
            self.forms.append(self._fields)
            self._fields = None


def forms_on(html: str) -> list[list[tuple[str, str]]]:
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


def form_with(html: str, field_name: str) -> dict[str, list[str] | str]:
    """The values of the form holding ``field_name``, as a POST body (lists for repeated names)."""
    for fields in forms_on(html):
        if any(name == field_name for name, _ in fields):
            body: dict[str, list[str]] = {}
            for name, value in fields:
                body.setdefault(name, []).append(value)
            return {name: values[0] if len(values) == 1 else values for name, values in body.items()}
    raise AssertionError(f"No form on the page has a field named {field_name!r}")
