from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from programmes.models import Programme
from programmes.vocabulary import ProgrammeStatus
from qaportal.errors import InvalidTransition, NotPermitted, ValidationFailed
from ratings.engine import recompute_all
from ratings.models import ProgrammeRating, StaleRating
from ratings.services import ratings_refresh_all
from reviews.frameworks import framework_new_draft, framework_publish
from reviews.models import Criterion, Element, Framework, FrameworkStatus
from tests.factories import make_programme, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def live():
    return Framework.objects.get(is_live=True)


def test_a_new_draft_copies_every_part_of_the_version_and_can_be_edited(live, convenor):
    draft = framework_new_draft(source=live, by=convenor)

    assert (draft.version, draft.status, draft.is_live) == (live.version + 1, FrameworkStatus.DRAFT, False)
    assert Criterion.objects.filter(element__framework=draft).count() == 20
    assert draft.bands.count() == live.bands.count() and draft.levels.count() == 4
    criterion = Criterion.objects.get(element__framework=draft, code="P1")
    assert criterion.descriptors.count() == 4
    criterion.weight = Decimal("2")
    criterion.save()


def test_publishing_a_draft_retires_the_live_version_and_marks_every_rating_stale(live, convenor, provider, reviewer):
    programme = make_programme(provider)
    make_programme(provider, status=ProgrammeStatus.DRAFT)
    make_review(programme, reviewer, scores={"V1": 1})
    recompute_all()
    draft = framework_new_draft(source=live, by=convenor)
    Element.objects.filter(framework=draft, key="value").update(weight=Decimal("5"))

    framework_publish(framework=draft, by=convenor)

    live.refresh_from_db()
    assert (live.status, live.is_live) == (FrameworkStatus.RETIRED, False)
    assert Framework.objects.get(is_live=True) == draft
    assert list(StaleRating.objects.values_list("programme_id", flat=True)) == [programme.id]
    before = ProgrammeRating.objects.get(programme=programme).raw_mean
    ratings_refresh_all()
    rating = ProgrammeRating.objects.get(programme=programme)
    assert rating.framework_id == draft.id and rating.raw_mean < before  # the weak element now weighs more
    assert not StaleRating.objects.exists()


def test_a_published_version_cannot_be_published_again_or_changed(live, convenor):
    with pytest.raises(InvalidTransition, match="Only a draft version can be published"):
        framework_publish(framework=live, by=convenor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.filter(element__framework=live, code="P1").update(weight=Decimal("3"))


def test_only_convenors_manage_framework_versions(live, reviewer):
    with pytest.raises(NotPermitted):
        framework_new_draft(source=live, by=reviewer)


def test_an_incomplete_draft_cannot_go_live(live, convenor):
    draft = framework_new_draft(source=live, by=convenor)
    draft.bands.all().delete()
    with pytest.raises(ValidationFailed, match="it has no bands"):
        framework_publish(framework=draft, by=convenor)


def test_seeding_ends_with_every_published_programme_rated():
    call_command("seed_demo", "--programmes", "40", "--providers", "8", "--reviewers", "6", verbosity=0)
    published = Programme.objects.filter(status=ProgrammeStatus.PUBLISHED)
    assert set(ProgrammeRating.objects.values_list("programme_id", flat=True)) == set(
        published.values_list("id", flat=True)
    )
    assert ProgrammeRating.objects.exclude(band_rank=None).exists()
