"""The register's roles, each defined here once; every policy, page guard, API permission and the
navigation ask ``has_role``. Object relations (editor of this provider, reviewer of this review) are
the apps' policies' business.

- Provider editor, reviewer: members of the Django group of that name.
- Convenor: a member of the convenors' group, or staff. Staff run the service and already reach
  everything through the admin, so the convenors' pages, API and summaries open to them as well.
- School leader: held through a record of the leaders app (a verified leader's account). This
  module imports no app, so that app declares who holds it, once, with ``define_role``.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeGuard

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from qaportal.errors import NotPermitted

# Whoever a policy is asked about: a signed-in user or an anonymous visitor (``request.user``).
Visitor = User | AnonymousUser


class Role(models.TextChoices):
    """The roles held through Django groups (the value is the group's name)."""

    PROVIDER_EDITOR = "provider-editor", "Provider editor"
    REVIEWER = "reviewer", "Reviewer"
    CONVENOR = "convenor", "Convenor"


# A role held through an app's own records rather than a group.
LEADER = "leader"

_HOLDERS: dict[str, Callable[[User], bool]] = {}


def define_role(role: str, holds: Callable[[User], bool]) -> None:
    """Say who holds a role kept in an app's own records (called from that app's ``ready``)."""
    _HOLDERS[role] = holds


def has_role(user: Visitor, role: str) -> TypeGuard[User]:
    """Whether the user holds the role; a yes also tells the type checker they are signed in."""
    if not user.is_authenticated:
        return False
    if role == Role.CONVENOR and user.is_staff:
        return True
    # Cached per request object: the navigation, the page guard and the policies all ask.
    held: dict[str, bool] | None = getattr(user, "_roles_held", None)
    if held is None:
        held = dict.fromkeys(user.groups.values_list("name", flat=True), True)
        setattr(user, "_roles_held", held)  # noqa: B010 - read back with getattr above
    if role not in held:
        holds = _HOLDERS.get(role)
        held[role] = bool(holds and holds(user))
    return held[role]


def forget_roles(user: User) -> None:
    """Drop the roles cached on this user object (after a role was given or taken away)."""
    user.__dict__.pop("_roles_held", None)


View = Callable[..., HttpResponseBase]


def page_for(allowed: str | Callable[[Visitor], bool], refusal: str) -> Callable[[View], View]:
    """A page for one role (or for whoever a policy lets in): anonymous visitors are sent to sign in,
    anyone else signed in is refused with ``refusal``, shown on the 403 page."""

    def allows(user: Visitor) -> bool:
        return has_role(user, allowed) if isinstance(allowed, str) else allowed(user)

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allows(request.user):
                raise NotPermitted(refusal)
            return view(request, *args, **kwargs)

        return guarded

    return decorate
