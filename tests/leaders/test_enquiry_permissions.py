"""Who reaches which enquiry page (the web side of the permission matrix): a leader their own
enquiries, a provider's editors the threads addressed to their provider, and no one else."""

import pytest

from leaders import services
from qaportal.roles import Role
from tests import factories
from tests.leaders.conftest import enquiry_request

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "leader", "other_leader", "provider_editor", "other_editor", "reviewer", "convenor"]


@pytest.fixture
def people(leader, other_leader, provider_editor, reviewer, convenor, outsider):
    other_editor = factories.make_user("editor-eve", role=Role.PROVIDER_EDITOR)
    factories.make_provider().editors.add(other_editor)
    return {"leader": leader, "other_leader": other_leader, "provider_editor": provider_editor,
            "other_editor": other_editor, "reviewer": reviewer, "convenor": convenor, "outsider": outsider}  # fmt: skip


@pytest.fixture
def urls(leader, provider, catalogue):
    shortlist = services.shortlist_create(by=leader, name="Reading")
    services.shortlist_add(by=leader, shortlist=shortlist, programme=catalogue[0])
    enquiry = services.enquiry_send(by=leader, request=enquiry_request([provider]), shortlist_id=shortlist.id)
    thread = enquiry.threads.get()
    return {
        "enquiries": ("get", "/account/enquiries/"),
        "new from shortlist": ("get", f"/account/enquiries/new/?shortlist={shortlist.id}"),
        "new from programme": ("get", f"/account/enquiries/new/?programme={catalogue[0].id}"),
        "enquiry": ("get", f"/account/enquiries/{enquiry.id}/"),
        "leader reply": ("post", f"/account/enquiries/threads/{thread.id}/reply/"),
        "share e-mail": ("post", f"/account/enquiries/threads/{thread.id}/share-email/"),
        "inbox": ("get", "/provider/enquiries/"),
        "thread": ("get", f"/provider/enquiries/{thread.id}/"),
        "provider reply": ("post", f"/provider/enquiries/{thread.id}/"),
    }


def expect(allowed: dict, *, refused: int = 403) -> dict:
    statuses = dict.fromkeys(ROLES, refused)
    statuses["anonymous"] = 302
    statuses.update(allowed)
    return statuses


OWN_LEADER_PAGE = expect({"leader": 200, "other_leader": 404})
OWN_LEADER_POST = expect({"leader": 302, "other_leader": 404})
EXPECTED = {
    "enquiries": expect({"leader": 200, "other_leader": 200}),
    "new from shortlist": OWN_LEADER_PAGE,
    "new from programme": expect({"leader": 200, "other_leader": 200}),
    "enquiry": OWN_LEADER_PAGE,
    "leader reply": OWN_LEADER_POST,
    "share e-mail": OWN_LEADER_POST,
    "inbox": expect({"provider_editor": 200, "other_editor": 200}),
    "thread": expect({"provider_editor": 200, "other_editor": 404}),
    "provider reply": expect({"provider_editor": 302, "other_editor": 404}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(EXPECTED))
def test_each_role_gets_what_the_rules_say(client, people, urls, role, page):
    if role != "anonymous":
        client.force_login(people[role])
    method, url = urls[page]

    response = client.post(url, {"body": "Thank you."}) if method == "post" else client.get(url)

    assert response.status_code == EXPECTED[page][role]
    if response.status_code == 302 and role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
