"""Local authorities grouped by region, for the programme form's checkboxes."""

from dataclasses import dataclass

from django import template
from django.forms import BoundField

from programmes import local_authorities
from qaportal.forms import choice_pairs

register = template.Library()


@dataclass
class OptionGroup:
    label: str
    options: list
    selected: int


@register.filter
def option_groups(field: BoundField) -> list[OptionGroup]:
    """The field's checkboxes (bound widgets, in order) split into its choice groups."""
    options = iter(field.subwidgets)
    groups = []
    for label, choices in choice_pairs(field.field):
        members = [next(options) for _ in choices]
        groups.append(OptionGroup(str(label), members, sum(1 for option in members if option.data["selected"])))
    return groups


@register.simple_tag
def local_authority_groups() -> list:
    """[(region label, [(code, name), …]), …] for a select's optgroups."""
    return local_authorities.grouped_choices()


@register.filter
def authority_names(codes) -> str:
    """ "Barnsley, Leeds": the names of the stored codes, A to Z."""
    return ", ".join(authority.name for authority in local_authorities.named(codes or ()))
