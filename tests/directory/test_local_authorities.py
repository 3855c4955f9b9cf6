"""Where a programme is delivered: local authorities on the form, the page, the API and the directory."""

import pytest

from programmes.models import LocalAuthority, Programme
from programmes.vocabulary import DeliveryMode, ProgrammeStatus
from providers.vocabulary import Region
from tests import factories
from tests.workflow.test_provider_pages import PROGRAMME

pytestmark = pytest.mark.django_db
CAMDEN, HACKNEY, LEEDS, KENT = "E09000007", "E09000012", "E08000035", "E10000016"


def test_englands_153_upper_tier_authorities_are_there_each_in_a_region_of_the_register():
    assert LocalAuthority.objects.count() == 153
    per_region = {region: LocalAuthority.objects.filter(region=region).count() for region in Region.values}
    assert per_region == {
        "north-east": 12, "north-west": 24, "yorkshire-humber": 15, "east-midlands": 10, "west-midlands": 14,
        "east-of-england": 11, "london": 33, "south-east": 19, "south-west": 15,
    }  # fmt: skip
    assert LocalAuthority.objects.get(code="E06000053").name == "Isles of Scilly"
    assert LocalAuthority.objects.get(name="City of London").region == "london"


@pytest.fixture
def delivered(provider):
    camden = factories.make_programme(provider, title="Camden coaching", local_authorities=[CAMDEN])
    both = factories.make_programme(provider, title="Inner London leadership", local_authorities=[CAMDEN, HACKNEY])
    kent = factories.make_programme(
        provider, title="Kent curriculum", regions=[Region.SOUTH_EAST], local_authorities=[KENT]
    )
    online = factories.make_programme(provider, title="Online reading", delivery_mode=DeliveryMode.ONLINE)
    factories.make_programme(
        provider, title="Draft in Camden", status=ProgrammeStatus.DRAFT, local_authorities=[CAMDEN]
    )
    return camden, both, kent, online


def web_titles(client, params) -> set[str]:
    response = client.get("/programmes/", {**params, "per_page": "100"})
    assert response.status_code == 200
    return {programme.title for programme in response.context["directory"].page.object_list}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"la": [CAMDEN]}, {"Camden coaching", "Inner London leadership"}),
        ({"la": [HACKNEY, KENT]}, {"Inner London leadership", "Kent curriculum"}),
        ({"la": [LEEDS]}, set()),
        ({"la": [""]}, {"Camden coaching", "Inner London leadership", "Kent curriculum", "Online reading"}),
        ({"la": [CAMDEN], "region": ["south-east"]}, set()),
    ],
)
def test_the_directory_filters_by_local_authority_on_the_web_and_in_the_api(client, delivered, params, expected):
    assert web_titles(client, params) == expected
    api = client.get("/api/v1/programmes/", {**params, "page_size": "100"})
    assert api.status_code == 200
    assert {programme["title"] for programme in api.json()["results"]} == expected


def test_the_chosen_authority_shows_as_selected_and_as_a_removable_filter(client, delivered):
    html = client.get("/programmes/", {"la": CAMDEN}).content.decode()
    assert f'<option value="{CAMDEN}" selected>Camden</option>' in html
    assert '<optgroup label="London">' in html
    assert "Remove this filter: </span>Camden" in html


def test_an_unknown_authority_is_an_error_on_the_page_and_a_400_in_the_api(client, delivered):
    assert client.get("/api/v1/programmes/", {"la": "E99999999"}).status_code == 400
    response = client.get("/programmes/", {"la": "E99999999"})
    assert response.status_code == 200 and "E99999999" in response.content.decode()


def test_the_programme_page_and_the_api_name_the_authorities(client, delivered):
    both = delivered[1]
    html = client.get(f"/programmes/{both.slug}/").content.decode()
    assert "Local authorities" in html and "Camden, Hackney" in html
    body = client.get(f"/api/v1/programmes/{both.slug}/").json()
    assert body["local_authorities"] == [
        {"code": CAMDEN, "name": "Camden", "region": "london"},
        {"code": HACKNEY, "name": "Hackney", "region": "london"},
    ]
    assert "Local authorities" not in client.get(f"/programmes/{delivered[3].slug}/").content.decode()


def test_an_editor_ticks_authorities_grouped_by_region_without_javascript(client, provider_editor, provider):
    client.force_login(provider_editor)
    form = client.get(f"/provider/providers/{provider.slug}/programmes/new/").content.decode()
    assert form.count('name="local_authorities"') == 153
    assert '<details class="govuk-details' in form and "Yorkshire and the Humber" in form

    client.post(
        f"/provider/providers/{provider.slug}/programmes/new/", PROGRAMME | {"local_authorities": [KENT, CAMDEN]}
    )

    assert Programme.objects.get(title=PROGRAMME["title"]).local_authorities == [CAMDEN, KENT]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"delivery_mode": "online", "local_authorities": [CAMDEN]},
            "Local authorities are only for programmes delivered face to face or blended",
        ),
        (
            {"local_authorities": [CAMDEN, LEEDS]},
            "Leeds is in Yorkshire and the Humber, which is not one of the regions selected: "
            "select Yorkshire and the Humber too, or remove it",
        ),
        ({"local_authorities": ["E99999999"]}, "“E99999999” is not one of the options"),
    ],
)
def test_authorities_that_do_not_fit_the_programme_are_refused_beside_the_field(
    client, provider_editor, provider, changes, message
):
    client.force_login(provider_editor)
    response = client.post(f"/provider/providers/{provider.slug}/programmes/new/", PROGRAMME | changes)

    html = response.content.decode().replace("&#x27;", "'")
    assert 'id="id_local_authorities-error"' in html and message in html
    assert not Programme.objects.filter(title=PROGRAMME["title"]).exists()
    if CAMDEN in changes["local_authorities"]:
        assert f'value="{CAMDEN}" checked' in html  # what the editor ticked is kept


def test_the_editors_programme_page_shows_the_authorities_and_the_import_reference(client, provider, provider_editor):
    draft = factories.make_programme(
        provider, status=ProgrammeStatus.DRAFT, local_authorities=[CAMDEN], reference="READ-01"
    )
    client.force_login(provider_editor)
    html = client.get(f"/provider/programmes/{draft.slug}/").content.decode()
    assert "Local authorities" in html and "Camden" in html and "Your reference: READ-01" in html
