"""The govuk_table tag writes a table's GOV.UK markup in one place: it must give the markup each page
wrote by hand before (the same HTML, white space aside): the scrolling region named by the caption,
headings with scope="col", and the body the page writes."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test.html import parse_html


def render(source: str, **context) -> str:
    return Template("{% load govuk %}" + source).render(Context(context))


HAND_WRITTEN_HEAD = """
<div class="app-table-scroll" role="region" aria-labelledby="attempts" tabindex="0"><table class="govuk-table">
  <caption id="attempts" class="govuk-table__caption govuk-table__caption--m">Your attempts</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">Exercise</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Agreement</th>
    <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Action</span></th>
  </tr></thead>
  <tbody class="govuk-table__body"></tbody>
</table></div>
"""


def test_the_caption_names_the_region_and_each_heading_is_a_column_header():
    html = render(
        '{% govuk_table "Your attempts" "Exercise" "Agreement" "Action" id="attempts" numeric="Agreement" '
        'hidden="Action" %}{% endgovuk_table %}'
    )
    assert parse_html(html) == parse_html(HAND_WRITTEN_HEAD)


HAND_WRITTEN_ROWS = """
<div class="app-table-scroll" role="region" aria-labelledby="t" tabindex="0"><table class="govuk-table app-audit">
  <caption id="t" class="govuk-table__caption govuk-visually-hidden">Lines</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">Line</th>
    <th scope="col" class="govuk-table__header">Words</th>
  </tr></thead>
  <tbody class="govuk-table__body">{}</tbody>
</table></div>
"""
ROWS = (
    '{% govuk_table "Lines" "Line" "Words" id="t" caption_class="govuk-visually-hidden" table_class="app-audit" '
    "for number, words in lines %}<td>{{ number }}</td><td>{{ words }}</td>"
    '{% empty %}<td colspan="2">None</td>{% endgovuk_table %}'
)


def test_a_for_clause_writes_a_row_for_each_item_and_empty_a_row_for_none():
    rows = (
        '<tr class="govuk-table__row"><td>1</td><td>&lt;b&gt;</td></tr>'
        '<tr class="govuk-table__row"><td>2</td><td>two</td></tr>'
    )
    assert parse_html(render(ROWS, lines=[(1, "<b>"), (2, "two")])) == parse_html(HAND_WRITTEN_ROWS.format(rows))
    none = '<tr class="govuk-table__row"><td colspan="2">None</td></tr>'
    assert parse_html(render(ROWS, lines=[])) == parse_html(HAND_WRITTEN_ROWS.format(none))


def test_without_a_for_clause_the_body_stands_as_written_and_an_empty_heading_is_left_out():
    html = render(
        '{% govuk_table "Lines" "Line" by "Words" id="t" caption_class="govuk-visually-hidden" '
        'table_class="app-audit" %}'
        '<tr class="govuk-table__row"><td>x</td></tr>{% endgovuk_table %}',
        by="",
    )
    assert parse_html(html) == parse_html(HAND_WRITTEN_ROWS.format('<tr class="govuk-table__row"><td>x</td></tr>'))


@pytest.mark.parametrize(
    "tag", ['{% govuk_table "Caption" "A" %}', '{% govuk_table id="t" %}', '{% govuk_table "C" "A" id="t" for rows %}']
)
def test_a_table_without_its_caption_or_id_or_with_half_a_for_clause_is_refused(tag):
    with pytest.raises(TemplateSyntaxError):
        render(tag + "{% endgovuk_table %}")
