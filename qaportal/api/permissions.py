"""DRF permission classes that only ask the apps' policies: no rule is decided here.

An anonymous client refused by any of them gets 401 (sign in); a signed-in user gets 403.
"""

from rest_framework.permissions import BasePermission

from reviews import policies


class IsReviewer(BasePermission):
    message = "This is for reviewers."

    def has_permission(self, request, view) -> bool:
        return policies.is_reviewer(request.user)


class IsConvenor(BasePermission):
    message = "This is for convenors."

    def has_permission(self, request, view) -> bool:
        return policies.may_moderate(request.user)
