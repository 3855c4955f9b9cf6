"""The directory's filter options, rendered in Python: a directory page shows some 60 options with
their counts, and rendering them through template includes cost more than computing them."""

from django import template
from django.forms import BoundField, Form
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join

from programmes.directory_filters import DIRECTORY_FILTERS, DirectoryFilter

register = template.Library()

ERROR = '<p id="{}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {}</p>'
COUNT = '<span class="app-facet-count">({}<span class="govuk-visually-hidden"> {}</span>)</span>'


def _count(option, noun: str):
    """ "(1 programme)", "(12 programmes)": the noun agrees with the count, for screen readers too."""
    return format_html(COUNT, option.count_text, noun if option.count != 1 else noun.removesuffix("s"))


def _errors(field: BoundField):
    return format_html_join("", ERROR, ((field.auto_id, error) for error in field.errors))


def _group(field: BoundField, legend_body, kind: str):
    described = format_html(' aria-describedby="{}-error"', field.auto_id) if field.errors else ""
    return format_html(
        '<div class="govuk-form-group{}"><fieldset class="govuk-fieldset"{}>'
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{}</legend>{}'
        '<div class="govuk-{} govuk-{}--small" data-module="govuk-{}">{}</div></fieldset></div>',
        " govuk-form-group--error" if field.errors else "", described, field.label, _errors(field),
        kind, kind, kind, legend_body,
    )  # fmt: skip


def _item(kind: str, input_id: str, name: str, value: str, checked: bool, label, count_html):
    return format_html(
        '<div class="govuk-{}__item"><input class="govuk-{}__input" id="{}" name="{}" type="{}" value="{}"{}>'
        '<label class="govuk-label govuk-{}__label" for="{}">{} {}</label></div>',
        kind, kind, input_id, name, "checkbox" if kind == "checkboxes" else "radio", value,
        " checked" if checked else "", kind, input_id, label, count_html,
    )  # fmt: skip


@register.simple_tag
def checkbox_facet(field: BoundField, options, noun: str):
    """A GOV.UK checkboxes fieldset, each option with how many results it would give."""
    items = [
        _item(
            "checkboxes",
            f"{field.auto_id}_{index}",
            field.html_name,
            option.value,
            option.selected,
            option.label,
            _count(option, noun),
        )
        for index, option in enumerate(options)
    ]
    return _group(field, format_html_join("", "{}", ((item,) for item in items)), "checkboxes")


@register.simple_tag
def band_facet(field: BoundField, options, noun: str):
    """Radios for "rating at least": any rating, then each band but the last "or better"."""
    items = [_item("radios", f"{field.auto_id}_any", field.html_name, "", not field.value(), "Any rating", "")]
    for index, option in enumerate(options):
        label = option.label if index == len(options) - 1 else f"{option.label} or better"
        items.append(_item("radios", f"{field.auto_id}_{index}", field.html_name, option.value, option.selected,
                           label, _count(option, noun)))  # fmt: skip
    return _group(field, format_html_join("", "{}", ((item,) for item in items)), "radios")


@register.simple_tag
def single_checkbox(field: BoundField, options, noun: str, legend: str = ""):
    """One checkbox ("Free only") with how many results ticking it would give, in a fieldset whose
    legend says what it is about ("Cost")."""
    option = options[0]
    item = _item("checkboxes", field.auto_id, field.html_name, "true", option.selected, field.label,
                 _count(option, noun))  # fmt: skip
    return format_html(
        '<div class="govuk-form-group"><fieldset class="govuk-fieldset">'
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{}</legend>'
        '<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">{}</div>'
        "</fieldset></div>",
        legend or field.label,
        item,
    )


def _control(spec: DirectoryFilter, form: Form, facets: dict, noun: str) -> str:
    if spec.kind in ("choice", "multi-choice"):
        return checkbox_facet(form[spec.name], facets[spec.name], noun)
    if spec.kind == "boolean":
        return single_checkbox(form[spec.name], facets[spec.name], noun, spec.legend)
    if spec.kind == "list":
        return render_to_string(spec.template, {"field": form[spec.name]})
    context = [{"field": form[name], "spec": spec} for name in spec.parameters]
    bounds = [render_to_string("directory/_range.html", bound) for bound in context]
    return format_html_join("", "{}", ((bound,) for bound in bounds))


@register.simple_tag
def directory_filter_panel(form: Form, facets: dict, noun: str):
    """Every filter of ``DIRECTORY_FILTERS``, in its order, as the control its kind takes."""
    return format_html_join("", "{}", ((_control(spec, form, facets, noun),) for spec in DIRECTORY_FILTERS))
