"""The change version moves with every change the public sees, in that change's transaction, and
with nothing else (issue 11)."""

import pytest
from django.db import connection, transaction
from django.utils import timezone

from programmes import lifecycle
from programmes import services as programme_services
from programmes.directory_version import Seen, changes_since, current_version, prune
from programmes.models import DirectoryChange, Programme
from programmes.vocabulary import ProgrammeStatus
from providers import services as provider_services
from ratings.engine import recompute_all, recompute_programme
from ratings.models import ProgrammeRating
from reviews import services
from reviews.models import Framework, ReviewState
from reviews.services import ScoreInput
from tests import factories
from tests.directory.conftest import rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(provider):
    return factories.make_programme(provider, status=ProgrammeStatus.IN_REVIEW, title="Coaching heads")


@pytest.fixture
def published(in_review, convenor, reviewer, other_reviewer):
    factories.make_review(in_review, reviewer, state=ReviewState.ACCEPTED, scores=3)
    factories.make_review(in_review, other_reviewer, state=ReviewState.ACCEPTED, scores=3)
    lifecycle.programme_publish(programme=in_review, by=convenor)
    recompute_all()
    return Programme.objects.get(pk=in_review.pk)


def changed_programmes(since: int) -> set[int]:
    return set(changes_since(Seen(since, since)).programme_ids)


def test_publishing_moves_the_version_in_the_publishing_transaction(in_review, convenor, reviewer, other_reviewer):
    factories.make_review(in_review, reviewer, state=ReviewState.ACCEPTED, scores=3)
    factories.make_review(in_review, other_reviewer, state=ReviewState.ACCEPTED, scores=3)
    before = current_version()
    with transaction.atomic():
        lifecycle.programme_publish(programme=in_review, by=convenor)
        assert current_version() > before  # written inside the transaction, so it commits with it
    assert in_review.id in changed_programmes(before)


def test_a_recompute_that_changes_the_band_moves_the_version_and_one_that_changes_nothing_does_not(published, reviewer):
    before = current_version()
    recompute_programme(programme_id=published.id)  # same reviews: only computed_at is rewritten
    assert current_version() == before

    ProgrammeRating.objects.filter(programme=published).update(band_rank=4, band="Limited")
    assert changed_programmes(before) == {published.id}


def test_withdrawal_moves_the_version(published, provider_editor):
    before = current_version()
    lifecycle.programme_withdraw(programme=published, by=provider_editor, reason="No longer offered.")
    assert published.id in changed_programmes(before)


def test_an_edit_to_a_published_programmes_shown_field_by_raw_sql_moves_the_version(published):
    before = current_version()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE programmes_programme SET contact_hours = 99 WHERE id = %s", [published.id])
    assert changed_programmes(before) == {published.id}


def test_touching_only_bookkeeping_columns_of_a_published_programme_leaves_the_version(published):
    before = current_version()
    Programme.objects.filter(pk=published.pk).update(updated_at=timezone.now())
    assert current_version() == before


def test_a_provider_edit_moves_the_version_for_that_provider(provider, provider_editor):
    before = current_version()
    provider_services.provider_update(provider=provider, by=provider_editor, data={"description": "Now bigger."})
    assert changes_since(Seen(before, before)).provider_ids == {provider.id}


def test_a_new_live_framework_is_a_change_to_everything(published, convenor):
    before = current_version()
    retired = Framework.objects.get(is_live=True)
    Framework.objects.filter(pk=retired.pk).update(is_live=False)
    assert changes_since(Seen(before, before)).everything


def test_a_draft_edit_leaves_the_version(provider, provider_editor):
    draft = factories.make_programme(provider, status=ProgrammeStatus.DRAFT)
    before = current_version()
    programme_services.programme_update(programme=draft, by=provider_editor, data={"title": "A better title"})
    assert current_version() == before


def test_a_review_in_progress_leaves_the_version(in_review, reviewer):
    review = factories.make_review(in_review, reviewer, state=ReviewState.IN_PROGRESS, scores=None)
    criterion = factories.criteria_of(review.framework)[0]
    before = current_version()
    services.review_save_draft(review=review, by=reviewer, scores={criterion.id: ScoreInput(2, "Partly met.")})
    assert current_version() == before


def test_a_rating_of_a_programme_not_yet_public_leaves_the_version(in_review):
    before = current_version()
    rate(in_review, 2, 3.1, 2)
    assert current_version() == before


def test_the_version_survives_a_statistics_reset(published):
    before = current_version()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_reset()")
    assert current_version() == before
    Programme.objects.filter(pk=published.pk).update(summary="Reset-proof.")
    assert current_version() > before


def test_pruning_keeps_the_newest_change_so_the_version_never_goes_back(published):
    version = current_version()
    DirectoryChange.objects.update(changed_at=timezone.now() - timezone.timedelta(days=1))
    prune(older_than_seconds=60)
    assert DirectoryChange.objects.count() == 1
    assert current_version() == version


def test_a_reader_whose_changes_were_pruned_is_told_to_read_everything(published):
    old = current_version()
    Programme.objects.filter(pk=published.pk).update(summary="One.")
    Programme.objects.filter(pk=published.pk).update(summary="Two.")
    DirectoryChange.objects.update(changed_at=timezone.now() - timezone.timedelta(days=1))
    prune(older_than_seconds=60)
    assert changes_since(Seen(old, old)).everything


def test_a_change_that_commits_after_a_later_one_is_still_seen(published):
    """Versions are taken in statement order but commit in any order: a missing one is asked for again."""
    first = DirectoryChange.objects.create(programme_ids=[published.id], source="programmes_programme")
    second = DirectoryChange.objects.create(programme_ids=[published.id + 1], source="programmes_programme")
    DirectoryChange.objects.filter(pk=first.pk).delete()  # as if it had not committed yet
    seen = changes_since(Seen(first.version - 1, 0)).seen
    assert seen.version == second.version and first.version in seen.holes

    DirectoryChange.objects.create(version=first.version, programme_ids=[published.id], source="x")
    late = changes_since(seen)
    assert late.programme_ids == {published.id} and not late.seen.holes


def test_a_late_commit_to_searchable_text_is_marked_as_a_text_change_though_the_version_stays(published):
    first = DirectoryChange.objects.create(programme_ids=[published.id], source="programmes_programme")
    second = DirectoryChange.objects.create(programme_ids=[published.id + 1], source="programmes_programme")
    DirectoryChange.objects.filter(pk=first.pk).delete()  # as if it had not committed yet
    seen = changes_since(Seen(first.version - 1, 0)).seen

    DirectoryChange.objects.create(version=first.version, programme_ids=[published.id], source="programmes_programme")
    late = changes_since(seen)
    assert late.text and late.seen.text_version == second.version
    DirectoryChange.objects.create(programme_ids=[published.id], source="ratings_programmerating")
    assert not changes_since(late.seen).text  # a rating moves no search


def test_a_provider_rating_change_moves_the_version_but_rereads_no_directory_row(published):
    """The directory's rows show a programme's own rating, never its provider's: a recompute's
    provider rating names no provider (and so none of its programmes) for the snapshot to read again."""
    from programmes.facets import ROW_SOURCES
    from ratings.models import ProviderRating

    before = current_version()
    ProviderRating.objects.filter(provider_id=published.provider_id).update(band_rank=4, band="Limited")
    assert current_version() > before
    assert changes_since(Seen(before, before)).provider_ids == {published.provider_id}
    for_the_snapshot = changes_since(Seen(before, before), sources=ROW_SOURCES)
    assert not for_the_snapshot and for_the_snapshot.seen.version == current_version()
