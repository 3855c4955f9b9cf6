"""An expired rating in the directory: tagged as expired, and left out by "Hide expired ratings"."""

import pytest
from django.utils import timezone

from ratings.models import RatingValidity
from tests.directory.conftest import rate
from tests.factories import make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def expired_and_valid(framework):
    now = timezone.now()
    expired, valid = make_programme(title="Expired one"), make_programme(title="Valid one")
    for programme, expired_at in ((expired, now), (valid, None)):
        rate(programme, 2, 3.0, 2)
        RatingValidity.objects.create(programme=programme, valid_from=now, expires_at=now, expired_at=expired_at)
    return expired, valid


def test_an_expired_rating_is_tagged_in_the_directory(client, expired_and_valid, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = client.get("/programmes/", {"sort": "title"}).content.decode()
    expired_row = page[page.index("Expired one") : page.index("Valid one")]
    assert "Expired</strong>" in expired_row
    assert "Expired</strong>" not in page[page.index("Valid one") :]


def test_hide_expired_leaves_out_expired_ratings_and_counts_them(client, expired_and_valid):
    response = client.get("/programmes/", {"hide_expired": "true"})
    page = response.content.decode()
    assert "Valid one" in page and "Expired one" not in page
    assert response.context["directory"].total == 1
