"""Small template helpers for the workflow pages."""

from django import template

register = template.Library()

# Tag colours only echo the text inside the tag; the state is always written out.
TAG_COLOURS = {
    "draft": "grey",
    "assigned": "grey",
    "in-progress": "light-blue",
    "submitted": "blue",
    "in-review": "light-blue",
    "returned": "orange",
    "accepted": "turquoise",
    "published": "green",
    "withdrawn": "red",
    "released": "purple",
}


@register.inclusion_tag("reviews/_state_tag.html")
def state_tag(value: str, label: str):
    return {"colour": TAG_COLOURS.get(value, "grey"), "label": label}


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.filter
def reviewer_letter(index: int) -> str:
    """Reviewers shown to providers and other reviewers are lettered, never named."""
    return "Reviewer " + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(int(index) - 1) % 26]


@register.filter
def audit_action(event) -> str:
    """“Score: P1 score”, “Review state”, … for an AuditEvent."""
    from reviews.audit import ACTION_LABELS

    label = ACTION_LABELS.get(event.action, event.action)
    if event.field and event.field != "state":
        return f"{label}: {event.field}"
    return label


@register.filter
def index(sequence, position: int):
    """``row.rationales|index:forloop.counter0``: one item of a list, or "" past its end."""
    try:
        return sequence[int(position)]
    except (IndexError, TypeError, ValueError):
        return ""
