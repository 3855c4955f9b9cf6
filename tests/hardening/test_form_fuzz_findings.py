"""What a fuzzer found posting hostile values to every HTML form as each role, each now answered
with an error beside the field (or the page the person came from), never a 500 or Django's own
unnamed message."""

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings

from leaders.models import Shortlist
from programmes.vocabulary import ProgrammeStatus
from qaportal.forms import NamedErrorsMixin
from tests import factories
from tests.hardening.conftest import PROFILE
from tests.leaders.conftest import make_leader
from tests.workflow.test_provider_pages import PROGRAMME

pytestmark = pytest.mark.django_db

DJANGO_DEFAULTS = [
    "This field is required.",
    "Ensure this value",
    "Enter a valid",
    "Select a valid choice",
    "Null characters are not allowed",
    "Enter a whole number",
    "Enter a number.",
]


def register_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in the register's own apps."""
    found = []
    for app in apps.get_app_configs():
        # The register's apps are the project's top-level packages (a virtualenv inside the project
        # folder holds Django's own apps, which are not ours to change).
        if Path(app.path).parent != Path(settings.BASE_DIR):
            continue
        for module_info in pkgutil.walk_packages([app.path], f"{app.name}."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            found += [
                member
                for _, member in inspect.getmembers(module, inspect.isclass)
                if issubclass(member, forms.BaseForm) and member.__module__ == module.__name__
            ]
    return found


def assert_named(page: str) -> None:
    assert not [default for default in DJANGO_DEFAULTS if default in page], page


def test_every_form_of_the_register_names_its_fields_in_its_errors():
    forms_found = register_forms()

    assert len(forms_found) > 40
    assert [form.__qualname__ for form in forms_found if not issubclass(form, NamedErrorsMixin)] == []


def test_a_reviewer_application_with_a_tampered_phase_says_which_question_and_keeps_the_role(client, outsider):
    client.force_login(outsider)
    data = {"current_role": "Deputy head " + "x" * 300, "focus_levels": ["zzz"], "phases": ["zzz"], "experience": ""}

    page = client.post("/pool/apply/", data).content.decode()

    assert_named(page)
    assert "Your current role must be 200 characters or fewer (it has 312)" in page
    assert "is not one of the options for which school phases do you know" in page
    assert "Deputy head xxx" in page


def test_a_web_address_with_a_nul_byte_is_refused_beside_the_field_in_the_registers_words(
    client, provider_editor, provider
):
    client.force_login(provider_editor)

    page = client.post(f"/provider/providers/{provider.slug}/profile/", PROFILE | {"website": "https://a\x00b"})

    html = page.content.decode()
    assert page.status_code == 200
    assert_named(html)
    assert "must not contain control characters (it has U+0000)" in html


def test_a_programmes_contact_address_with_a_nul_byte_is_refused_in_the_registers_words(
    client, provider_editor, provider
):
    client.force_login(provider_editor)

    page = client.post(
        f"/provider/providers/{provider.slug}/programmes/new/", PROGRAMME | {"contact_email": "a\x00@b.example"}
    )

    html = page.content.decode()
    assert_named(html)
    assert "Contact e-mail address must not contain control characters (it has U+0000)" in html


def test_a_password_reset_for_a_malformed_address_names_the_field(client):
    page = client.post("/accounts/password_reset/", {"email": "not an address"}).content.decode()

    assert_named(page)
    assert "Email must be an e-mail address, like name@example.com" in page
    assert 'value="not an address"' in page


def test_a_convenors_concern_dismissal_refuses_control_characters_beside_the_field(convenor):
    from reviews.concern_forms import DismissForm

    form = DismissForm({"reason": "Out of scope\x1b."})

    assert not form.is_valid()
    assert form.errors["reason"] == [
        "Your answer must not contain control characters (it has U+001B). Remove them and try again."
    ]


def test_a_framework_criterion_code_with_a_line_break_is_refused_beside_the_field():
    from reviews.framework_forms import CriterionForm

    form = CriterionForm({"code": "P5\nX", "title": "", "guidance": "Fine", "weight": "0"}, levels=[])

    assert not form.is_valid()
    assert form.errors["code"] == ["Code must not contain line breaks or tabs. Remove them and try again."]
    assert form.errors["title"] == ["Enter title"]
    assert form.errors["weight"] == ["Weight must be 0.01 or more"]


@pytest.fixture
def leader_client(client, provider):
    client.force_login(make_leader())
    return client


@pytest.fixture
def on_register(provider):
    return factories.make_programme(provider, status=ProgrammeStatus.PUBLISHED)


@pytest.mark.parametrize("junk", ["-1", "foo", "NaN", "99999999"])
@pytest.mark.parametrize("url", ["/account/shortlists/add/", "/account/searches/save/"])
def test_a_leader_posting_a_bare_word_as_next_goes_to_the_usual_page_not_a_500(leader_client, on_register, url, junk):
    data = {"programme": on_register.id, "shortlist": "new", "query": "q=maths", "next": junk}

    response = leader_client.post(url, data)

    assert response.status_code == 302
    assert response["Location"] in (on_register.get_absolute_url(), "/account/")


@pytest.mark.parametrize("field", ["programme", "shortlist"])
@pytest.mark.parametrize("junk", ["abc", "²", "1e309", "-1", "99999999999999999999999"])
def test_a_leader_shortlisting_with_a_tampered_id_is_told_not_found(leader_client, on_register, field, junk):
    data = {"programme": on_register.id, "shortlist": "new"} | {field: junk}

    response = leader_client.post("/account/shortlists/add/", data)

    assert response.status_code == 404


def test_a_shortlist_named_from_the_programme_page_beyond_120_characters_is_refused_not_a_500(
    leader_client, on_register
):
    response = leader_client.post(
        "/account/shortlists/add/", {"programme": on_register.id, "shortlist": "new", "new_name": "n" * 10_000}
    )

    assert response.status_code == 302
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == ["The shortlist's name must be 120 characters or fewer (it has 10000)"]
    assert not Shortlist.objects.exists()


@pytest.mark.parametrize("junk", ["²", "١٢", "abc", "99999999999999999999999"])
def test_a_superscript_or_junk_programme_id_on_compare_is_a_400_not_a_500(client, on_register, junk):
    assert client.post("/programmes/compare/add/", {"programme": junk}).status_code == 400


@pytest.mark.parametrize("junk", ["²", "١٢", "-1", "99999999999999999999999"])
def test_a_superscript_page_size_in_the_directory_shows_the_usual_page_size(client, on_register, junk):
    assert client.get(f"/programmes/?per_page={junk}").status_code == 200


@pytest.mark.parametrize("search", ["%00", "a%00b", "%1b", "x" * 5000])
def test_a_convenor_searching_the_pool_with_a_nul_byte_sees_the_list_not_a_500(client, convenor, search):
    client.force_login(convenor)
    assert client.get(f"/convenor/pool/?q={search}").status_code == 200


def test_a_convenor_searching_reviewers_for_a_programme_with_a_nul_byte_sees_the_list(client, convenor, provider):
    programme = factories.make_programme(provider, status=ProgrammeStatus.SUBMITTED)
    client.force_login(convenor)
    assert client.get(f"/convenor/programmes/{programme.slug}/reviewers/?q=%00").status_code == 200
