"""The crosswalk: a rated programme's page and API say which parts of the DfE Standard and which
EEF mechanisms it meets at Secure or better, and whether its EEF design is balanced."""

import pytest

from ratings.engine import recompute_all
from reviews.crosswalk import DFE_STANDARD, EEF_MECHANISMS
from reviews.models import CrosswalkTag
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_two_vocabularies_are_loaded_as_data(framework):
    assert CrosswalkTag.objects.filter(scheme="dfe-2016").count() == len(DFE_STANDARD) == 5
    assert CrosswalkTag.objects.filter(scheme="eef-2021").count() == len(EEF_MECHANISMS) == 14
    assert set(CrosswalkTag.objects.exclude(group="").values_list("group", flat=True)) == {
        "Building knowledge", "Motivating teachers", "Developing teaching techniques", "Embedding practice",
    }  # fmt: skip


def test_a_rated_programme_shows_what_it_meets_at_secure_or_better(client, provider, reviewer, other_reviewer):
    programme = factories.make_programme(provider)
    # Secure (3) everywhere but the process criteria (R1-R4) and D3, where it is Developing.
    low = {"R1": 2, "R2": 2, "R3": 2, "R4": 2, "D3": 2}
    factories.make_review(programme, reviewer, scores=low)
    factories.make_review(programme, other_reviewer, scores=low)
    recompute_all()

    crosswalk = client.get(f"/api/v1/programmes/{programme.slug}/").json()["crosswalk"]
    met = {part["code"] for part in crosswalk["dfe_standard"] if part["met"]}
    assert met == {"dfe-1-pupil-outcomes", "dfe-2-evidence", "dfe-5-leadership"}  # not sustained, not collaboration
    assert crosswalk["eef_groups_met"] == ["Building knowledge", "Motivating teachers", "Embedding practice"]
    assert crosswalk["eef_balanced"] is False
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "Other frameworks it meets" in page and "Not a balanced design" in page


def test_a_programme_secure_on_every_criterion_has_a_balanced_design(client, provider, reviewer, other_reviewer):
    programme = factories.make_programme(provider)
    factories.make_review(programme, reviewer, scores=3)
    factories.make_review(programme, other_reviewer, scores=4)
    recompute_all()
    assert client.get(f"/api/v1/programmes/{programme.slug}/").json()["crosswalk"]["eef_balanced"] is True
    assert "A <strong>balanced design</strong>" in client.get(programme.get_absolute_url()).content.decode()


def test_an_unrated_programme_shows_no_crosswalk(client, provider, reviewer):
    programme = factories.make_programme(provider)
    factories.make_review(programme, reviewer, scores=4)
    recompute_all()
    assert client.get(f"/api/v1/programmes/{programme.slug}/").json()["crosswalk"] is None
