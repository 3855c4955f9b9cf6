import csv
import io

import pytest

from ratings.models import ProgrammeRating

pytestmark = pytest.mark.django_db


def test_a_programme_badge_shows_its_band_and_links_back(client, catalogue):
    response = client.get(f"/programmes/{catalogue.mentor.slug}/badge.svg")

    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert "Exemplary" in svg and f"http://testserver{catalogue.mentor.get_absolute_url()}" in svg
    assert "max-age=300" in response["Cache-Control"]


def test_the_badge_changes_when_the_rating_changes(client, catalogue):
    url = f"/programmes/{catalogue.curriculum.slug}/badge.svg"
    first = client.get(url)
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304

    ProgrammeRating.objects.filter(programme=catalogue.curriculum).update(band="Exemplary", band_rank=1)
    second = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert "Exemplary" in second.content.decode()


def test_a_withdrawn_programmes_badge_says_withdrawn(client, catalogue):
    svg = client.get(f"/programmes/{catalogue.withdrawn.slug}/badge.svg").content.decode()
    assert "Withdrawn" in svg and "Secure" not in svg


def test_a_providers_badge_shows_its_band_or_withdrawn(client, catalogue):
    assert "Secure" in client.get("/providers/northgate/badge.svg").content.decode()
    assert "Not yet rated" in client.get("/providers/kite/badge.svg").content.decode()
    catalogue.university.programmes.update(status="withdrawn")
    assert "Withdrawn" in client.get("/providers/fenbury/badge.svg").content.decode()


def test_the_csv_export_holds_every_matching_programme_with_the_same_filters_and_order(client, catalogue):
    response = client.get("/programmes/export.csv?region=london&sort=cost&page=2")

    assert response["Content-Disposition"] == 'attachment; filename="programmes.csv"'
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # a byte-order mark, so Excel reads "£" as "£"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Programme", "Provider", "Provider type"]
    assert [row[0] for row in rows[1:]] == [catalogue.mentor.title, catalogue.middle.title, catalogue.headship.title]
    assert rows[1][12] == "Exemplary" and rows[1][8] == "0.00"


def test_the_directory_links_to_the_export_with_its_filters(client, catalogue):
    page = client.get("/programmes/?region=london&page=2").content.decode()
    assert 'href="/programmes/export.csv?region=london"' in page
