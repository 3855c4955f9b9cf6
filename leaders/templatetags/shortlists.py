"""``{% add_to_shortlist programme %}``: the leader's "add to shortlist" form, wherever a
programme is shown (directory, programme page, compare), and the directory's "save this search";
nothing for anyone else (a directory page shows one form per result, so nothing is rendered then)."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from leaders import policies

register = template.Library()


@register.simple_tag(takes_context=True)
def add_to_shortlist(context, programme_id: int, title: str = "") -> SafeString:
    request = context["request"]
    user = request.user
    if not policies.is_leader(user):
        return SafeString("")
    cached = getattr(request, "_leader_shortlists", None)
    if cached is None:
        cached = list(policies.shortlists_for(user).values_list("id", "name"))
        request._leader_shortlists = cached
    form = {"programme_id": programme_id, "title": title, "shortlists": cached,
            "here": request.get_full_path(), "csrf_token": context.get("csrf_token")}  # fmt: skip
    return SafeString(render_to_string("leaders/_add_to_shortlist.html", form))


@register.simple_tag(takes_context=True)
def save_search(context) -> SafeString:
    """The directory's "save this search" button, for leaders."""
    request = context["request"]
    if not policies.is_leader(request.user):
        return SafeString("")
    from leaders.services import directory_query

    form = {"query": directory_query(request.GET.urlencode()), "here": request.get_full_path(),
            "csrf_token": context.get("csrf_token")}  # fmt: skip
    return SafeString(render_to_string("leaders/_save_search.html", form))


@register.inclusion_tag("leaders/_enquiry_link.html", takes_context=True)
def enquiry_link(context, programme):
    """The programme page's "send an enquiry" link, for leaders."""
    return {"is_leader": policies.is_leader(context["request"].user), "programme": programme}
