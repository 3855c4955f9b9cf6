"""The links a signed-in user sees in the service navigation, by role."""

from dataclasses import dataclass

from django.urls import reverse

from qaportal.roles import LEADER, Role, has_role


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str


# (role, label, URL name); a role's pages add their entry here.
ROLE_PAGES: list[tuple[str, str, str]] = [
    (Role.PROVIDER_EDITOR, "Your programmes", "manage:dashboard"),
    (Role.PROVIDER_EDITOR, "Concerns", "manage:concerns"),
    (Role.PROVIDER_EDITOR, "Enquiries", "enquiries-provider:inbox"),
    (Role.REVIEWER, "My assignments", "reviewer:assignments"),
    (Role.REVIEWER, "Affiliations", "reviewer:affiliations"),
    (Role.REVIEWER, "Calibration", "pool:calibration"),
    (Role.CONVENOR, "Review queue", "convenor:queue"),
    (Role.CONVENOR, "Upload assignments", "convenor:upload"),
    (Role.CONVENOR, "Frameworks", "convenor:frameworks"),
    (Role.CONVENOR, "Expiring ratings", "convenor:expiring"),
    (Role.CONVENOR, "Concerns", "convenor:concerns"),
    (Role.CONVENOR, "Participant feedback", "feedback-convenor:overview"),
    (Role.CONVENOR, "Reviewer pool", "pool:list"),
    (LEADER, "Your shortlists", "leaders:account"),
    (LEADER, "Your enquiries", "leaders:enquiries"),
]


def role_links(user) -> list[NavLink]:
    if not user.is_authenticated:
        return []
    links = []
    for role, label, url_name in ROLE_PAGES:
        if has_role(user, role):
            links.append(NavLink(label, reverse(url_name)))
    if user.is_staff:
        links.append(NavLink("Admin", reverse("admin:index")))
    return links
