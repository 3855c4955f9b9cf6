"""The moderation check convenors see before publishing (method version 2): element means of the
submitted reviews flag a programme; one criterion far apart is highlighted, not flagged."""

import pytest

from ratings.engine import recompute_all
from ratings.moderation import moderation_flags
from reviews.models import ReviewState
from reviews.selectors import programme_reviews, side_by_side
from tests.factories import live_framework, make_programme, make_review, make_user

pytestmark = pytest.mark.django_db
SUBMITTED = ReviewState.SUBMITTED


def test_reviewers_whose_means_on_an_element_differ_by_one_level_flag_the_programme(provider):
    """Purpose: reviewer 1 gives 4, 4, 4, 4 and reviewer 2 gives 3, 3, 3, 3: means 1.0 apart."""
    programme = make_programme(provider)
    make_review(programme, make_user(), state=SUBMITTED, scores={"P1": 4, "P2": 4, "P3": 4, "P4": 4})
    make_review(programme, make_user(), state=SUBMITTED, scores=3)

    flags = moderation_flags(programme_ids=[programme.id], framework=live_framework())

    assert flags[programme.id].needs_moderation
    assert flags[programme.id].flagged_elements == ["purpose"]


def test_one_criterion_two_levels_apart_is_highlighted_but_does_not_flag(provider):
    """P1 is 4 against 2 (two levels), the other Purpose criteria agree: means 0.5 apart."""
    programme = make_programme(provider)
    make_review(programme, make_user(), state=SUBMITTED, scores={"P1": 4})
    make_review(programme, make_user(), state=ReviewState.ACCEPTED, scores={"P1": 2})

    comparison = side_by_side(programme=programme, reviews=programme_reviews(programme=programme))
    flags = moderation_flags(programme_ids=[programme.id], framework=live_framework())

    highlighted = [row.criterion.code for row in comparison.rows if row.disagreement]
    assert highlighted == ["P1"] and comparison.rows[0].spread == 2
    assert not flags[programme.id].needs_moderation
    assert not comparison.moderation.needs_moderation


def test_only_reviews_awaiting_publication_count(provider):
    """A returned review is being redone and a published one is past moderation."""
    programme = make_programme(provider)
    make_review(programme, make_user(), state=SUBMITTED, scores=4)
    make_review(programme, make_user(), state=ReviewState.RETURNED, scores=1)
    make_review(programme, make_user(), state=ReviewState.PUBLISHED, scores=1)

    assert not moderation_flags(programme_ids=[programme.id], framework=live_framework())[programme.id].needs_moderation


def test_the_public_programme_page_never_mentions_moderation(client, provider):
    programme = make_programme(provider)
    make_review(programme, make_user(), scores=4)
    make_review(programme, make_user(), scores=1)
    recompute_all()
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "moderat" not in page.lower()
