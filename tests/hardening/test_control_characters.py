"""One text rule everywhere a person types: control characters are refused beside the field, in
their own words, and what they typed is kept."""

import pytest
from rest_framework.test import APIClient

from programmes.models import Programme
from providers.models import Provider
from qaportal.text import first_forbidden_character
from tests.api.conftest import token_client
from tests.api.workflow_data import make_mid_review
from tests.hardening.conftest import PROFILE
from tests.workflow.test_provider_pages import PROGRAMME

pytestmark = pytest.mark.django_db

HOSTILE_NAME = "Bad\x01\x02\x1b name\ufffe"


@pytest.mark.parametrize(
    "character", ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\ufffe", "\uffff", "\ufdd0", "\U0001fffe", "\ud800"]
)
def test_control_characters_and_non_characters_are_forbidden_everywhere(character):
    assert first_forbidden_character(f"a{character}b", multiline=True) == character


def test_line_breaks_and_tabs_are_text_only_where_many_lines_are_allowed():
    assert first_forbidden_character("one\r\ntwo\tthree", multiline=True) is None
    assert first_forbidden_character("one\ntwo", multiline=False) == "\n"
    assert first_forbidden_character("Ünïcödé – “quoted” 😀", multiline=False) is None


def test_a_provider_name_with_control_characters_is_refused_beside_the_field_and_kept(
    client, provider_editor, provider
):
    client.force_login(provider_editor)
    data = PROFILE | {"name": HOSTILE_NAME, "description": "Line one.\nLine \x07two."}

    response = client.post(f"/provider/providers/{provider.slug}/profile/", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Organisation name must not contain control characters (it has U+0001)" in html
    assert "About the provider must not contain control characters (it has U+0007)" in html
    assert "Line one." in html  # what was typed is shown again, to be corrected
    assert Provider.objects.get(pk=provider.pk).name == "Northgate Learning Trust"


def test_a_programme_with_control_characters_is_refused_beside_each_field(client, provider_editor, provider):
    client.force_login(provider_editor)
    data = PROGRAMME | {"title": "Reading\x00 leads", "summary": "Multi-line\nsummary is fine.", "target_staff": "\x1b"}

    response = client.post(f"/provider/providers/{provider.slug}/programmes/new/", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Programme title must not contain control characters (it has U+0000)" in html
    assert "must not contain control characters (it has U+001B)" in html
    assert "Multi-line\nsummary is fine." in html
    assert not Programme.objects.exists()


def test_a_single_line_field_refuses_a_line_break(client, provider_editor, provider):
    client.force_login(provider_editor)
    response = client.post(f"/provider/providers/{provider.slug}/profile/", PROFILE | {"name": "Two\nlines"})
    assert "Organisation name must not contain line breaks or tabs" in response.content.decode()


def test_a_reviewers_rationale_with_control_characters_is_a_400_beside_the_criterion(
    provider, reviewer, other_reviewer, framework
):
    mid = make_mid_review(provider=provider, reviewer=reviewer, other_reviewer=other_reviewer)

    response = token_client(reviewer).post(
        f"/api/v1/reviews/{mid.own_review.id}/draft/",
        {"scores": {"P1": {"score": 4, "rationale": "Strong\x0c diagnosis."}}, "overall_comment": "Fine\nso far"},
        format="json",
    )

    assert response.status_code == 400
    (message,) = response.json()["errors"]["scores.P1.rationale"]
    assert message.startswith("Rationale must not contain control characters (it has U+000C).")
    assert list(response.json()["errors"]) == ["scores.P1.rationale"]


def test_an_api_reason_with_a_nul_byte_is_a_400_not_a_500(provider_editor, provider):
    from tests import factories

    programme = factories.make_programme(provider)
    response = token_client(provider_editor).post(
        f"/api/v1/programmes/{programme.slug}/withdraw/", {"reason": "No\x00 longer run."}, format="json"
    )

    assert response.status_code == 400 and list(response.json()["errors"]) == ["reason"]


def test_the_anonymous_api_refuses_a_nul_byte_in_credentials_with_its_json_error():
    response = APIClient().post("/api/v1/auth/token/", {"username": "a\x00b", "password": "x"}, format="json")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
