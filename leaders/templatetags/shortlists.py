"""``{% add_to_shortlist programme %}``: the leader's "add to shortlist" form, wherever a
programme is shown (directory, programme page, compare); a sign-up link for everyone else."""

from django import template

from leaders import policies

register = template.Library()


@register.inclusion_tag("leaders/_add_to_shortlist.html", takes_context=True)
def add_to_shortlist(context, programme_id: int, title: str = ""):
    request = context["request"]
    user = request.user
    if not policies.is_leader(user):
        return {"is_leader": False, "programme_id": programme_id, "title": title}
    cached = getattr(request, "_leader_shortlists", None)
    if cached is None:
        cached = list(policies.shortlists_for(user).values_list("id", "name"))
        request._leader_shortlists = cached
    return {"is_leader": True, "programme_id": programme_id, "title": title, "shortlists": cached,
            "here": request.get_full_path(), "csrf_token": context.get("csrf_token")}  # fmt: skip


@register.inclusion_tag("leaders/_save_search.html", takes_context=True)
def save_search(context):
    """The directory's "save this search" button, for leaders."""
    request = context["request"]
    if not policies.is_leader(request.user):
        return {"is_leader": False}
    from leaders.services import directory_query

    return {"is_leader": True, "query": directory_query(request.GET.urlencode()), "here": request.get_full_path(),
            "csrf_token": context.get("csrf_token")}  # fmt: skip


@register.inclusion_tag("leaders/_enquiry_link.html", takes_context=True)
def enquiry_link(context, programme):
    """The programme page's "send an enquiry" link, for leaders."""
    return {"is_leader": policies.is_leader(context["request"].user), "programme": programme}
