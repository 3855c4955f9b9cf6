"""Template helpers that render Django form fields and tables with GOV.UK Frontend classes."""

from django import template
from django.forms import BoundField
from django.template.base import NodeList, TextNode
from django.template.defaulttags import ForNode

register = template.Library()

WIDGET_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "file": "govuk-file-upload",
}


@register.simple_tag
def govuk_widget(field: BoundField, extra_class: str = ""):
    """The field's own widget, with the design system's class, error state and described-by ids."""
    css_class = WIDGET_CLASSES.get(field.widget_type, "govuk-input")
    if field.errors:
        css_class += f" {css_class}--error"
    if extra_class:
        css_class += f" {extra_class}"
    described_by = [
        element_id
        for element_id, present in (
            (f"{field.auto_id}-hint", field.help_text),
            (f"{field.auto_id}-error", field.errors),
        )
        if present
    ]
    attrs: dict[str, str | bool] = {"class": css_class}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def is_choice_list(field: BoundField) -> bool:
    return field.widget_type in {"checkboxselectmultiple", "radioselect"}


@register.filter
def choice_items(options) -> list[dict]:
    """A choice field's bound options (the field itself, or some of its subwidgets) as the items
    forms/_choices.html lists: the id, value, label and whether each is chosen."""
    return [
        {
            "id": option.id_for_label,
            "value": option.data["value"],
            "label": option.choice_label,
            "checked": option.data["selected"],
        }
        for option in options
    ]


@register.filter
def money(value) -> str:
    from qaportal.display import money as written

    return written(value)


@register.filter
def score(value, places: int = 2) -> str:
    """A score as every page shows it (see qaportal.display.score_figure); "–" when there is none."""
    from qaportal.display import score_figure

    return score_figure(value, int(places)) or "–"


@register.simple_tag
def pagination_items(page) -> list[dict]:
    """The numbered items of the GOV.UK pagination component: first, last, the current page and its
    neighbours, with an ellipsis where numbers are left out."""
    items: list[dict[str, str | bool]] = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            # As text: a template localises each number it is given, which costs five times as much.
            items.append({"number": str(number), "current": number == page.number})
    return items


class TableNode(template.Node):
    """A GOV.UK table in its scrolling region: ``rows`` renders the body; the rest comes from
    includes/govuk_table.html."""

    def __init__(self, caption, head, options, rows):
        self.caption, self.head, self.options, self.rows = caption, head, options, rows

    def render(self, context):
        options = {name: value.resolve(context) for name, value in self.options.items()}
        numeric = set(filter(None, (options.pop("numeric", "") or "").split("|")))
        hidden = set(filter(None, (options.pop("hidden", "") or "").split("|")))
        # A head cell that resolves to nothing is a column this table leaves out.
        texts = [text for text in (cell.resolve(context) for cell in self.head) if text]
        head = [{"text": text, "numeric": text in numeric, "hidden": text in hidden} for text in texts]
        values = {"caption_class": "govuk-table__caption--m", "table_class": ""} | options
        values |= {"caption": self.caption.resolve(context), "head": head, "rows": self.rows.render(context)}
        table = context.template.engine.get_template("includes/govuk_table.html")
        return table.render(context.new(values))


def _in_rows(nodes: NodeList) -> NodeList:
    return NodeList([TextNode('<tr class="govuk-table__row">'), *nodes, TextNode("</tr>")])


def _table_rows(parser, loop: list[str] | None) -> template.Node:
    """The body up to ``{% endgovuk_table %}``: as written, or with ``for item in items`` the cells
    of one row, repeated in a row for each item (and ``{% empty %}``'s cells, in a row, for none)."""
    body = parser.parse(("endgovuk_table",) if loop is None else ("empty", "endgovuk_table"))
    empty = None
    if parser.next_token().contents == "empty":
        empty = _in_rows(parser.parse(("endgovuk_table",)))
        parser.delete_first_token()
    if loop is None:
        return body
    if len(loop) < 3 or loop[-2] != "in":
        raise template.TemplateSyntaxError("govuk_table's rows are written 'for item in items'")
    names = " ".join(loop[:-2]).replace(",", " ").split()
    return ForNode(names, parser.compile_filter(loop[-1]), False, _in_rows(body), empty)


@register.tag
def govuk_table(parser, token):
    """``{% govuk_table caption head-cell… id=… [caption_class=…] [table_class=…] [numeric="A|B"]
    [hidden="C"] [for item in items] %}…{% endgovuk_table %}``: the caption, then the column
    headings in order; ``numeric`` names the headings of number columns, ``hidden`` those read only
    by screen readers. See _table_rows for the body."""
    bits = token.split_contents()[1:]
    loop = None
    if "for" in bits:
        bits, loop = bits[: bits.index("for")], bits[bits.index("for") + 1 :]
    options = {}
    positional = []
    for bit in bits:
        name, equals, value = bit.partition("=")
        if equals and name.isidentifier():
            options[name] = parser.compile_filter(value)
        else:
            positional.append(parser.compile_filter(bit))
    if not positional or "id" not in options:
        raise template.TemplateSyntaxError("govuk_table takes a caption, the head cells and id=")
    options["table_id"] = options.pop("id")
    return TableNode(positional[0], positional[1:], options, _table_rows(parser, loop))
