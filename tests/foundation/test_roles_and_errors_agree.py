"""Each role means one thing at every door (pages, API, summaries, navigation), and a domain error
a service raises leaves with the same status through the pages and through the API."""

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from leaders import services as leader_services
from leaders.models import LeaderAccount
from qaportal.navigation import role_links
from qaportal.roles import Role
from summaries.models import ExportJob, ExportStatus
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CONVENOR_PAGES = ["/convenor/", "/convenor/frameworks/", "/convenor/summaries/"]
CONVENOR_API = ["/api/v1/moderation/", "/api/v1/summaries/", "/api/v1/exports/"]


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def doors(user, pages: list[str], api: list[str], nav_label: str) -> set[str]:
    """Which doors open to this user: a page or API path answering 200, and the navigation link."""
    opened = {path for path in pages if page_client(user).get(path).status_code == 200}
    opened |= {path for path in api if api_client(user).get(path).status_code == 200}
    if nav_label in {link.label for link in role_links(user)}:
        opened.add("navigation")
    return opened


def test_staff_and_the_convenors_group_pass_the_same_doors_and_a_reviewer_none():
    everything = {*CONVENOR_PAGES, *CONVENOR_API, "navigation"}
    member = make_user("convenor-cat", role=Role.CONVENOR)
    staff = make_user("staff-sam", is_staff=True)
    reviewer = make_user("reviewer-rob", role=Role.REVIEWER)

    assert doors(member, CONVENOR_PAGES, CONVENOR_API, "Review queue") == everything
    assert doors(staff, CONVENOR_PAGES, CONVENOR_API, "Review queue") == everything
    assert doors(reviewer, CONVENOR_PAGES, CONVENOR_API, "Review queue") == set()


def test_a_reviewer_is_the_group_at_every_door():
    everything = {"/reviewer/", "/api/v1/assignments/", "navigation"}
    reviewer = make_user("reviewer-rob", role=Role.REVIEWER)
    editor = make_user("editor-eve", role=Role.PROVIDER_EDITOR)

    assert doors(reviewer, ["/reviewer/"], ["/api/v1/assignments/"], "My assignments") == everything
    assert doors(editor, ["/reviewer/"], ["/api/v1/assignments/"], "My assignments") == set()


def test_a_school_leader_is_a_verified_account_at_every_door():
    everything = {"/account/", "/api/v1/account/shortlists/", "navigation"}
    verified = leader_services.leader_sign_up(email="head-hana@school.example", password="pw-for-tests-1")
    LeaderAccount.objects.filter(user=verified).update(email_verified_at=timezone.now())
    unverified = leader_services.leader_sign_up(email="head-hugo@school.example", password="pw-for-tests-1")
    for user in (verified, unverified):
        user.is_active = True
        user.save(update_fields=["is_active"])

    assert doors(verified, ["/account/"], ["/api/v1/account/shortlists/"], "Your shortlists") == everything
    assert doors(unverified, ["/account/"], ["/api/v1/account/shortlists/"], "Your shortlists") == set()


def test_a_refused_role_page_gives_its_reason_on_the_403_page_and_in_the_api():
    editor = make_user("editor-eve", role=Role.PROVIDER_EDITOR)

    page = page_client(editor).get("/convenor/summaries/")
    api = api_client(editor).get("/api/v1/summaries/")

    assert page.status_code == api.status_code == 403
    assert "Only convenors may see the summaries." in page.content.decode()


@pytest.mark.parametrize(
    ("status", "expected"),
    [(ExportStatus.QUEUED, 409), (ExportStatus.EXPIRED, 410)],
)
def test_an_export_the_service_refuses_to_hand_over_has_one_status_on_the_page_and_in_the_api(status, expected):
    convenor = make_user("convenor-cat", role=Role.CONVENOR)
    job = ExportJob.objects.create(requested_by=convenor, format="csv", status=status)

    page = page_client(convenor).get(f"/convenor/summaries/exports/{job.pk}/download")
    api = api_client(convenor).get(f"/api/v1/exports/{job.pk}/file/")

    assert page.status_code == api.status_code == expected


def test_an_export_that_is_not_yours_is_not_found_on_the_page_and_in_the_api():
    job = ExportJob.objects.create(requested_by=make_user("convenor-cat", role=Role.CONVENOR), format="csv")
    other = make_user("convenor-carl", role=Role.CONVENOR)

    page = page_client(other).get(f"/convenor/summaries/exports/{job.pk}/download")
    api = api_client(other).get(f"/api/v1/exports/{job.pk}/file/")

    assert page.status_code == api.status_code == 404
