"""Every page of the framework editor and the accreditation cycle × every role: anonymous users
are sent to sign in, signed-in users without the role are refused (403), objects of others are
not found (404), and the role the page is for gets it."""

import pytest

from programmes.vocabulary import ProgrammeStatus
from reviews.frameworks import framework_new_draft
from reviews.models import Concern
from tests import factories
from tests.role_matrix import assert_role_gets, statuses

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "outsider", "provider_editor", "reviewer", "convenor"]


def only(role: str, status: int = 200, otherwise: int = 403) -> dict:
    return statuses(ROLES, {role: status}, otherwise=otherwise)


CONVENOR = only("convenor")
CONVENOR_REDIRECT = only("convenor", status=302)
EDITOR = only("provider_editor")
PUBLIC = dict.fromkeys(ROLES, 200)

# (method, path template, body, expected status per role)
MATRIX = [
    ("get", "/convenor/frameworks/", None, CONVENOR),
    ("get", "/convenor/frameworks/{live}/", None, CONVENOR),
    ("get", "/convenor/frameworks/{draft}/", None, CONVENOR),
    ("post", "/convenor/frameworks/{live}/new-draft/", {}, CONVENOR_REDIRECT),
    ("get", "/convenor/frameworks/{draft}/settings/", None, CONVENOR),
    ("get", "/convenor/frameworks/{draft}/levels/", None, CONVENOR),
    ("get", "/convenor/frameworks/{draft}/bands/", None, CONVENOR),
    ("get", "/convenor/frameworks/{draft}/elements/{element}/", None, CONVENOR),
    ("get", "/convenor/frameworks/{draft}/elements/{element}/criteria/new/", None, CONVENOR),
    ("get", "/convenor/frameworks/{draft}/elements/{element}/criteria/{criterion}/", None, CONVENOR),
    ("post", "/convenor/frameworks/{draft}/elements/{element}/criteria/{criterion}/delete/", {}, CONVENOR_REDIRECT),
    ("get", "/convenor/frameworks/{draft}/preview/", None, CONVENOR),
    ("post", "/convenor/frameworks/{draft}/publish/", {}, CONVENOR_REDIRECT),
    ("get", "/convenor/frameworks/diff/?before={live}&after={draft}", None, CONVENOR),
    ("get", "/convenor/expiring/", None, CONVENOR),
    ("get", "/convenor/concerns/", None, CONVENOR),
    ("get", "/convenor/concerns/{concern}/", None, CONVENOR),
    ("get", "/programmes/{published}/concern/", None, PUBLIC),
    ("get", "/provider/concerns/", None, EDITOR),
    ("get", "/provider/concerns/{concern}/respond/", None, EDITOR),
    ("get", "/provider/concerns/{other_concern}/respond/", None, only("provider_editor", status=404)),
    ("post", "/provider/programmes/{published}/resubmit/", {}, only("provider_editor", status=302)),
    ("post", "/provider/programmes/{other_programme}/resubmit/", {}, only("provider_editor", status=404)),
    # Changes to what is public: the provider's own audit trail, and a published portfolio's change.
    ("get", "/convenor/providers/{provider}/audit/", None, CONVENOR),
    ("get", "/provider/programmes/{published}/evidence/", None, EDITOR),
    ("get", "/provider/programmes/{other_programme}/evidence/", None, only("provider_editor", status=404)),
]


@pytest.fixture
def register(framework, provider, provider_editor, reviewer, convenor, outsider):
    draft = framework_new_draft(source=framework, by=convenor)
    element = draft.elements.first()
    published = factories.make_programme(provider, status=ProgrammeStatus.PUBLISHED)
    other_programme = factories.make_programme(status=ProgrammeStatus.PUBLISHED)
    users = {"outsider": outsider, "provider_editor": provider_editor, "reviewer": reviewer, "convenor": convenor}
    names = {
        "live": framework.pk,
        "draft": draft.pk,
        "element": element.pk,
        "criterion": element.criteria.first().pk,
        "provider": provider.slug,
        "published": published.slug,
        "other_programme": other_programme.slug,
        "concern": Concern.objects.create(programme=published, what="A concern of some length.").pk,
        "other_concern": Concern.objects.create(programme=other_programme, what="Another concern.").pk,
    }
    return users, names


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template", "body", "expected"), MATRIX, ids=[f"{m} {t}" for m, t, _, _ in MATRIX])
def test_each_role_gets_what_the_rules_say(client, register, role, method, template, body, expected):
    users, names = register
    assert_role_gets(client, users, role, method, template.format(**names), expected[role], body)
