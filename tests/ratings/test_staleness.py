import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from programmes.vocabulary import ProgrammeStatus
from ratings.engine import recompute_all
from ratings.models import ProgrammeRating, ProviderRating, RatingHistory, StaleRating
from ratings.selectors import rating_history
from ratings.services import (
    claim_stale_batch,
    clear_stale_markers,
    mark_programme_rating_stale,
    programme_rating_refresh,
    stale_markers_seen,
    stale_ratings_sweep,
)
from tests.factories import make_programme, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated_programme(provider, reviewer, other_reviewer):
    programme = make_programme(provider, slug="coaching-for-middle-leaders")
    make_review(programme, reviewer, scores=3)
    make_review(programme, other_reviewer, scores=3)
    recompute_all()
    return programme


def test_the_stale_marker_is_written_in_the_callers_transaction_and_rolled_back_with_it(rated_programme):
    with pytest.raises(RuntimeError), transaction.atomic():
        mark_programme_rating_stale(programme_id=rated_programme.id)
        assert StaleRating.objects.filter(programme=rated_programme).exists()
        raise RuntimeError("the publish failed")
    assert not StaleRating.objects.exists()


def test_the_sweep_recomputes_what_is_stale_and_clears_its_markers(rated_programme, convenor):
    make_review(rated_programme, convenor, scores=4)
    mark_programme_rating_stale(programme_id=rated_programme.id)

    assert stale_ratings_sweep() == 1

    assert ProgrammeRating.objects.get(programme=rated_programme).review_count == 3
    assert not StaleRating.objects.exists()


def test_a_programme_marked_again_during_a_recompute_stays_marked(rated_programme):
    mark_programme_rating_stale(programme_id=rated_programme.id)
    seen = stale_markers_seen([rated_programme.id])
    mark_programme_rating_stale(programme_id=rated_programme.id)  # another review published meanwhile

    assert clear_stale_markers(seen) == 0
    assert StaleRating.objects.filter(programme=rated_programme).exists()


def test_two_sweeps_claim_different_programmes_and_a_re_mark_releases_a_claim(provider):
    programmes = [make_programme(provider) for _ in range(3)]
    for programme in programmes:
        mark_programme_rating_stale(programme_id=programme.id)

    first, second = claim_stale_batch(batch_size=2), claim_stale_batch(batch_size=2)

    assert len(first) == 2 and len(second) == 1 and not set(first) & set(second)
    assert claim_stale_batch(batch_size=2) == {}
    mark_programme_rating_stale(programme_id=programmes[0].id)
    assert list(claim_stale_batch(batch_size=2)) == [programmes[0].id]


def test_withdrawing_a_programme_removes_its_rating_but_keeps_its_history(rated_programme, provider):
    rated_programme.status = ProgrammeStatus.WITHDRAWN
    rated_programme.save()

    assert programme_rating_refresh(programme_id=rated_programme.id) is None

    assert not ProgrammeRating.objects.filter(programme=rated_programme).exists()
    assert len(rating_history(programme_id=rated_programme.id)) == 1
    assert ProviderRating.objects.get(provider=provider).rated_programmes == 0


def test_history_records_each_visible_change_and_nothing_else(rated_programme, convenor):
    programme_rating_refresh(programme_id=rated_programme.id)
    make_review(rated_programme, convenor, scores=1)
    programme_rating_refresh(programme_id=rated_programme.id)

    trend = rating_history(programme_id=rated_programme.id)

    assert [entry.review_count for entry in trend] == [2, 3]
    assert trend[0].computed_at <= trend[1].computed_at
    assert trend[1].shown_score < trend[0].shown_score


def test_a_programme_with_one_review_is_not_yet_rated_but_keeps_its_raw_mean(provider, reviewer):
    programme = make_programme(provider)
    make_review(programme, reviewer, scores=2)

    rating = programme_rating_refresh(programme_id=programme.id)

    assert (rating.band, rating.band_rank, rating.shown_score, rating.raw_mean) == ("Not yet rated", None, None, 2.0)


def test_the_command_recomputes_one_programme_the_whole_register_or_what_is_stale(rated_programme, convenor, capsys):
    make_review(rated_programme, convenor, scores=4)
    call_command("recompute_ratings", "--programme", rated_programme.slug, verbosity=0)
    assert ProgrammeRating.objects.get(programme=rated_programme).review_count == 3

    call_command("recompute_ratings", "--all", verbosity=0)
    mark_programme_rating_stale(programme_id=rated_programme.id)
    call_command("recompute_ratings", verbosity=0)
    assert not StaleRating.objects.exists()
    assert "Recomputed 1 stale ratings." in capsys.readouterr().out

    with pytest.raises(CommandError, match="No programme has the slug 'no-such-programme'"):
        call_command("recompute_ratings", "--programme", "no-such-programme", verbosity=0)


def test_unchanged_ratings_are_not_rewritten(rated_programme):
    before = ProgrammeRating.objects.get(programme=rated_programme).computed_at
    recompute_all()
    programme_rating_refresh(programme_id=rated_programme.id)
    assert ProgrammeRating.objects.get(programme=rated_programme).computed_at == before
    assert RatingHistory.objects.count() == 1
