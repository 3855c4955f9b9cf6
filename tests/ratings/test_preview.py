"""The preview of a framework draft: what publishing it would do to the register's bands."""

from collections import Counter

import pytest
from django.db import connection

from ratings.engine import recompute_all
from ratings.models import CriterionRating, ElementRating, FrameworkPrior, ProgrammeRating, ProviderRating
from ratings.preview import framework_publication_moves, framework_publication_preview
from ratings.services import ratings_refresh_all
from reviews.frameworks import framework_publish
from tests.factories import make_programme, make_provider, make_review, make_user
from tests.ratings.helpers import draft_framework_version, programme_ratings, provider_ratings

pytestmark = pytest.mark.django_db


def uniform(score: int, **criteria: int) -> dict[str, int]:
    scores = {f"{letter}{number}": score for letter in "PGRDV" for number in range(1, 5)}
    scores.update(criteria)
    return scores


@pytest.fixture
def register():
    """Programmes across the bands: two reviewers each, and one published programme never rated."""
    provider = make_provider()
    reviewers = [make_user(), make_user()]
    for first, second in [(uniform(4), uniform(4, V1=2)), (uniform(3), uniform(3)), (uniform(3, P1=1), uniform(3)),
                          (uniform(2), uniform(3)), (uniform(2), uniform(2)), (uniform(1), uniform(2))]:  # fmt: skip
        programme = make_programme(provider)
        make_review(programme, reviewers[0], scores=first)
        make_review(programme, reviewers[1], scores=second)
    recompute_all()
    make_programme(provider)


def bands() -> dict[int, str]:
    return dict(ProgrammeRating.objects.values_list("programme_id", "band"))


def test_the_previews_counts_equal_what_publishing_then_produces(register, convenor):
    draft = draft_framework_version(
        criterion_weights={"P1": "3"}, band_thresholds={"Secure": "3.00"}, band_floors={"Exemplary": "3.50"}
    )
    published = set(ProgrammeRating.objects.values_list("programme_id", flat=True))
    before = bands()

    preview = framework_publication_preview(draft=draft)

    framework_publish(framework=draft, by=convenor)
    ratings_refresh_all()
    after = bands()
    moves = Counter((before.get(programme_id, "Not yet rated"), band) for programme_id, band in after.items())
    assert {(change.from_band, change.to_band): change.programmes for change in preview} == {
        move: count for move, count in moves.items() if move[0] != move[1]
    }
    assert sum(change.programmes for change in preview) > 0
    assert len(after) == len(published) + 1  # the programme never rated counts too


def test_the_preview_counts_every_programme_and_writes_nothing(register):
    draft = draft_framework_version(band_thresholds={"Exemplary": "3.97"})
    stored = (programme_ratings(), provider_ratings(), list(FrameworkPrior.objects.values()))
    rows = (CriterionRating.objects.count(), ElementRating.objects.count(), ProviderRating.objects.count())

    moves = framework_publication_moves(draft=draft)

    assert sum(move.programmes for move in moves) == 7
    assert any(move.changed and (move.from_band, move.to_band) == ("Exemplary", "Secure") for move in moves)
    assert (programme_ratings(), provider_ratings(), list(FrameworkPrior.objects.values())) == stored
    assert (CriterionRating.objects.count(), ElementRating.objects.count(), ProviderRating.objects.count()) == rows
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_class WHERE relpersistence = 't' AND relname LIKE 'staged%%'")
        assert cursor.fetchone()[0] == 0
