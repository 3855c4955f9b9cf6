"""The directory's filter options: each a GOV.UK checkbox or radio beside how many results it
would give. The markup is the partial ``directory/_facet.html``; here only what each option says.

A fieldset's markup depends only on what it says, so each is rendered once per process for each
distinct content but its counts, which are filled in (the options, ticks and errors recur across
nearly all searches; the counts seldom do)."""

from functools import lru_cache

from django import template
from django.forms import BoundField, Form
from django.template.loader import render_to_string
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString

from programmes.directory_filters import DIRECTORY_FILTERS, DirectoryFilter
from qaportal.forms import choice_pairs

register = template.Library()
FACET = "directory/_facet.html"

# (id, value, checked, label, count text, count noun): one option as the fieldset shows it.
Item = tuple[str, str, bool, str, str, str]
ITEM_FIELDS = ("id", "value", "checked", "label", "count_text", "count_noun")


def _item(input_id: str, value: str, checked: bool, label, option=None, noun: str = "") -> Item:
    """One option; with ``option``, its count, the noun agreeing with it ("1 programme", "12 programmes")."""
    if option is None:
        return (input_id, value, checked, str(label), "", "")
    count_noun = noun if option.count != 1 else noun.removesuffix("s")
    return (input_id, value, checked, str(label), option.count_text, count_noun)


# Marks where a count goes in a fieldset's cached markup: a character that escaping leaves alone.
SLOT = "\x1f"


def _render_fieldset(
    name: str, auto_id: str, errors: tuple[str, ...], kind: str, legend: str, items: list[dict]
) -> str:
    context = {
        "field": {"html_name": name, "auto_id": auto_id, "errors": list(errors)},
        "kind": kind,
        "input_type": "checkbox" if kind == "checkboxes" else "radio",
        "items": items,
        "legend": legend,
    }
    return render_to_string(FACET, context)


@lru_cache(maxsize=2048)
def _fieldset_pieces(
    name: str, auto_id: str, errors: tuple[str, ...], kind: str, legend: str, shapes: tuple[tuple, ...]
) -> tuple[str, ...]:
    """The fieldset's markup with a numbered slot for each count and its noun, split at the slots:
    text, slot number, text, …. Keyed by all it shows but the counts, which differ between nearly
    every pair of searches while the rest recurs."""
    items = []
    for index, (*shown, counted) in enumerate(shapes):
        item = dict(zip(ITEM_FIELDS, shown, strict=False))
        if counted:
            item.update(count_text=f"{SLOT}{2 * index}{SLOT}", count_noun=f"{SLOT}{2 * index + 1}{SLOT}")
        items.append(item)
    return tuple(_render_fieldset(name, auto_id, errors, kind, legend, items).split(SLOT))


def _fieldset(
    name: str, auto_id: str, errors: tuple[str, ...], kind: str, legend: str, items: tuple[Item, ...]
) -> SafeString:
    shown = (*errors, legend, *(text for item in items for text in (item[0], item[1], item[3])))
    if any(SLOT in text for text in shown):
        # What someone typed (echoed in an error) holds the marker: this one is rendered as it is.
        whole = [dict(zip(ITEM_FIELDS, item, strict=True)) for item in items]
        return SafeString(_render_fieldset(name, auto_id, errors, kind, legend, whole))
    pieces = _fieldset_pieces(name, auto_id, errors, kind, legend, tuple((*item[:4], bool(item[5])) for item in items))
    counts = [escape(part) for item in items for part in item[4:]]
    markup = list(pieces)
    markup[1::2] = [counts[int(slot)] for slot in pieces[1::2]]
    return SafeString("".join(markup))


def _facet(field: BoundField, kind: str, items: list[Item], legend=None) -> SafeString:
    errors = tuple(str(error) for error in field.errors)
    return _fieldset(field.html_name, field.auto_id, errors, kind, str(legend or field.label), tuple(items))


@register.simple_tag
def checkbox_facet(field: BoundField, options, noun: str) -> SafeString:
    """A GOV.UK checkboxes fieldset, each option with how many results it would give."""
    items = [
        _item(f"{field.auto_id}_{index}", option.value, option.selected, option.label, option, noun)
        for index, option in enumerate(options)
    ]
    return _facet(field, "checkboxes", items)


@register.simple_tag
def band_facet(field: BoundField, options, noun: str) -> SafeString:
    """Radios for "rating at least": any rating, then each band but the last "or better"."""
    items = [_item(f"{field.auto_id}_any", "", not field.value(), "Any rating")]
    for index, option in enumerate(options):
        label = option.label if index == len(options) - 1 else f"{option.label} or better"
        items.append(_item(f"{field.auto_id}_{index}", option.value, option.selected, label, option, noun))
    return _facet(field, "radios", items)


@register.simple_tag
def single_checkbox(field: BoundField, options, noun: str, legend: str = "") -> SafeString:
    """One checkbox ("Free only") with how many results ticking it would give, in a fieldset whose
    legend says what it is about ("Cost")."""
    option = options[0]
    item = _item(field.auto_id, "true", option.selected, field.label, option, noun)
    return _facet(field, "checkboxes", [item], legend=legend)


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


Choices = tuple[tuple[str, str], ...]
Groups = tuple[tuple[str, Choices], ...]


@lru_cache(maxsize=256)
def _options(choices: Choices, groups: Groups, chosen: frozenset[str]) -> SafeString:
    context = {"choices": choices, "groups": groups, "chosen": chosen}
    return SafeString(render_to_string("directory/_options.html", context))


@register.simple_tag
def select_options(field: BoundField, groups=None) -> SafeString:
    """A select's ``<option>``s, in ``groups`` ([(label, [(value, label), …]), …]) when given, else
    the field's choices. Every visitor who chose the same sees the same options, so each set is
    rendered once per process: the local authorities alone are over 150 options."""
    value = field.value()
    picked = {str(item) for item in value} if isinstance(value, list | tuple) else {str(value)}
    if groups is not None:
        grouped: Groups = tuple(
            (str(label), tuple((str(v), str(text)) for v, text in pairs)) for label, pairs in groups
        )
        known = {v for _, pairs in grouped for v, _ in pairs}
        return _options((), grouped, frozenset(picked & known))
    choices: Choices = tuple((str(v), str(text)) for v, text in choice_pairs(field.field))
    return _options(choices, (), frozenset(picked & {v for v, _ in choices}))
