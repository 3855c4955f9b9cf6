"""Each filter option's label says how many programmes ticking it would give, for this search: the
fieldsets' markup is kept between searches, the counts never are."""

import re
from html.parser import HTMLParser

import pytest

from tests.directory.conftest import facet

pytestmark = pytest.mark.django_db


class _Labels(HTMLParser):
    """Each checkbox or radio's (name, value) with the text of its label, as a screen reader reads it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, tuple[str, str]] = {}
        self.labels: dict[tuple[str, str], str] = {}
        self._label: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in ("checkbox", "radio"):
            self.ids[attrs["id"]] = (attrs["name"], attrs.get("value", ""))
        elif tag == "label" and attrs.get("for") in self.ids:
            self._label = attrs["for"]
            self.labels[self.ids[self._label]] = ""

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None

    def handle_data(self, data):
        if self._label is not None:
            self.labels[self.ids[self._label]] += data


def labels(response) -> dict[tuple[str, str], str]:
    reader = _Labels()
    reader.feed(response.content.decode())
    return {key: " ".join(text.split()) for key, text in reader.labels.items()}


def test_two_searches_with_the_same_options_each_show_their_own_counts(client, catalogue):
    first, second = client.get("/programmes/?region=london"), client.get("/programmes/?region=north-west")
    for response in (first, second):
        shown = labels(response)
        for value, count in facet(response, "format").items():
            noun = "programme" if count == 1 else "programmes"
            assert re.search(rf"\({count} {noun}\)$", shown[("format", value)]), shown[("format", value)]
    assert facet(first, "format") != facet(second, "format")  # the same fieldset, other counts


def test_a_value_carrying_the_count_marker_is_refused_beside_the_filter_and_the_counts_stay_right(client, catalogue):
    response = client.get("/programmes/?format=%1F")
    assert "is not one of the options for format" in response.content.decode()
    shown = labels(response)
    for name in ("format", "mode"):  # the refused filter's own fieldset, and another
        for value, count in facet(response, name).items():
            assert shown[(name, value)].endswith(f"({count} programme{'' if count == 1 else 's'})")
