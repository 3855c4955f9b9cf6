"""The directory's filter options: each a GOV.UK checkbox or radio beside how many results it
would give. The markup is the partial ``directory/_facet.html``; here only what each option says."""

from django import template
from django.forms import BoundField, Form
from django.template.loader import render_to_string
from django.utils.html import format_html_join

from programmes.directory_filters import DIRECTORY_FILTERS, DirectoryFilter

register = template.Library()
FACET = "directory/_facet.html"


def _item(input_id: str, value: str, checked: bool, label, option=None, noun: str = "") -> dict:
    """One option; with ``option``, its count, the noun agreeing with it ("1 programme", "12 programmes")."""
    item = {"id": input_id, "value": value, "checked": checked, "label": label}
    if option is not None:
        item["count_text"] = option.count_text
        item["count_noun"] = noun if option.count != 1 else noun.removesuffix("s")
    return item


def _facet(field: BoundField, kind: str, items: list[dict], legend=None) -> dict:
    input_type = "checkbox" if kind == "checkboxes" else "radio"
    return {"field": field, "kind": kind, "input_type": input_type, "items": items, "legend": legend or field.label}


@register.inclusion_tag(FACET)
def checkbox_facet(field: BoundField, options, noun: str) -> dict:
    """A GOV.UK checkboxes fieldset, each option with how many results it would give."""
    items = [
        _item(f"{field.auto_id}_{index}", option.value, option.selected, option.label, option, noun)
        for index, option in enumerate(options)
    ]
    return _facet(field, "checkboxes", items)


@register.inclusion_tag(FACET)
def band_facet(field: BoundField, options, noun: str) -> dict:
    """Radios for "rating at least": any rating, then each band but the last "or better"."""
    items = [_item(f"{field.auto_id}_any", "", not field.value(), "Any rating")]
    for index, option in enumerate(options):
        label = option.label if index == len(options) - 1 else f"{option.label} or better"
        items.append(_item(f"{field.auto_id}_{index}", option.value, option.selected, label, option, noun))
    return _facet(field, "radios", items)


@register.inclusion_tag(FACET)
def single_checkbox(field: BoundField, options, noun: str, legend: str = "") -> dict:
    """One checkbox ("Free only") with how many results ticking it would give, in a fieldset whose
    legend says what it is about ("Cost")."""
    option = options[0]
    item = _item(field.auto_id, "true", option.selected, field.label, option, noun)
    return _facet(field, "checkboxes", [item], legend=legend)


def _control(spec: DirectoryFilter, form: Form, facets: dict, noun: str) -> str:
    if spec.kind in ("choice", "multi-choice"):
        return render_to_string(FACET, checkbox_facet(form[spec.name], facets[spec.name], noun))
    if spec.kind == "boolean":
        return render_to_string(FACET, single_checkbox(form[spec.name], facets[spec.name], noun, spec.legend))
    if spec.kind == "list":
        return render_to_string(spec.template, {"field": form[spec.name]})
    context = [{"field": form[name], "spec": spec} for name in spec.parameters]
    bounds = [render_to_string("directory/_range.html", bound) for bound in context]
    return format_html_join("", "{}", ((bound,) for bound in bounds))


@register.simple_tag
def directory_filter_panel(form: Form, facets: dict, noun: str):
    """Every filter of ``DIRECTORY_FILTERS``, in its order, as the control its kind takes."""
    return format_html_join("", "{}", ((_control(spec, form, facets, noun),) for spec in DIRECTORY_FILTERS))
