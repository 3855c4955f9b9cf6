"""Template helpers that render Django form fields with GOV.UK Frontend classes."""

from django import template
from django.forms import BoundField

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
