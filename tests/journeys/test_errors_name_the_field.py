"""Bad input gets an error that names the field in the person's words, beside it and in the summary."""

import re

import pytest

from programmes.models import Programme
from providers.models import Provider
from tests.directory.conftest import titles
from tests.workflow.test_provider_pages import PROGRAMME

pytestmark = pytest.mark.django_db


def errors_on(html: str) -> list[str]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert summary, "no error summary on the page"
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)]


def post_new_programme(client, provider, **changes):
    data = PROGRAMME | changes
    return client.post(f"/provider/providers/{provider.slug}/programmes/new/", data).content.decode()


def test_a_too_long_title_names_the_field_and_the_limit(client, provider_editor, provider):
    client.force_login(provider_editor)
    errors = errors_on(post_new_programme(client, provider, title="x" * 300))
    assert errors == ["Programme title must be 200 characters or fewer (it has 300)"]


def test_missing_regions_and_phases_say_which_is_missing(client, provider_editor, provider):
    client.force_login(provider_editor)
    data = {key: value for key, value in PROGRAMME.items() if key not in ("regions", "phases")}
    html = client.post(f"/provider/providers/{provider.slug}/programmes/new/", data).content.decode()
    assert errors_on(html) == ["Select at least one phase.", "Select at least one region."]
    assert "This field is required" not in html


@pytest.mark.parametrize(
    ("hours", "weeks", "expected"),
    [
        ("100000", "12", ["Contact time must be between 1 and 1,000 hours"]),
        ("0", "0", ["Contact time must be between 1 and 1,000 hours", "Length must be between 1 and 156 weeks"]),
        ("ten", "12", ["Enter the contact time as a whole number of hours, for example 18."]),
    ],
)
def test_a_programme_length_no_programme_has_is_refused(client, provider_editor, provider, hours, weeks, expected):
    client.force_login(provider_editor)
    assert errors_on(post_new_programme(client, provider, contact_hours=hours, duration_weeks=weeks)) == expected
    assert not Programme.objects.filter(title=PROGRAMME["title"]).exists()


def test_a_website_must_start_https_as_its_hint_says(client, provider_editor, provider):
    client.force_login(provider_editor)
    data = {"name": provider.name, "provider_type": "mat", "regions": ["london"], "phases": ["primary"]}
    html = client.post(
        f"/provider/providers/{provider.slug}/profile/", data | {"website": "http://insecure.example.org"}
    ).content.decode()
    assert errors_on(html) == ["Enter a web address starting https://"]
    assert Provider.objects.get(pk=provider.pk).website == ""


def test_evidence_links_must_start_https_as_the_hint_says(client, provider_editor, draft_programme):
    client.force_login(provider_editor)
    body = {"statement_purpose": "We evaluate impact.", "links_purpose": "http://example.org/report"}
    html = client.post(f"/provider/programmes/{draft_programme.slug}/evidence/", body).content.decode()
    assert "start each link with https://" in errors_on(html)[0]


def test_a_maximum_cost_of_nothing_keeps_only_free_programmes(client, catalogue):
    assert set(titles(client.get("/programmes/?max_cost=0&per_page=100"))) == {catalogue.mentor.title}


def test_a_minimum_above_the_maximum_cost_is_explained_not_an_empty_list(client, catalogue):
    response = client.get("/programmes/?min_cost=500&max_cost=100&per_page=100")
    assert errors_on(response.content.decode()) == ["Minimum cost must not be more than the maximum cost (£100)"]
    assert set(titles(response)) == {catalogue.mentor.title}


def test_a_directory_value_that_is_not_a_number_is_in_the_error_summary(client, catalogue):
    errors = errors_on(client.get("/programmes/?max_cost=lots").content.decode())
    assert errors == ["Maximum cost per participant must be a number, for example 450"]
