"""DRF permission classes for the role-wide doors; they ask ``qaportal.roles``, as the pages do.

An anonymous client refused by any of them gets 401 (sign in); a signed-in user gets 403.
"""

from rest_framework.permissions import BasePermission

from qaportal.roles import Role, has_role


class IsReviewer(BasePermission):
    message = "This is for reviewers."

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, Role.REVIEWER)


class IsConvenor(BasePermission):
    message = "This is for convenors."

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, Role.CONVENOR)
