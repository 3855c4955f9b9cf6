import pytest
from django.core.cache import cache

from programmes.vocabulary import ProgrammeStatus
from tests.factories import make_programme, make_review

pytestmark = pytest.mark.django_db


def test_the_home_page_says_what_the_register_is_with_live_counts(client, provider, reviewer, other_reviewer):
    cache.clear()
    programme = make_programme(provider)
    make_programme(provider, status=ProgrammeStatus.DRAFT)
    make_review(programme, reviewer)
    make_review(programme, other_reviewer)

    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "LPD/CPD Quality Register" in page
    assert response.context["counts"] == {
        "providers": 1,
        "programmes": 1,
        "rated_programmes": 0,
        "published_reviews": 2,
    }
    assert "GDS Transport" not in page and "govuk-header__logotype" not in page


def test_every_response_carries_a_content_security_policy(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
