import hashlib

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from demo.pool import SAMPLE_SLUG
from demo.seeding import SCALES, SeedSizes, seed_demo_data
from pool.models import CalibrationExercise, ReviewerProfile, ReviewerStatus
from programmes.models import Programme
from providers.models import Provider
from providers.vocabulary import ProviderType, Region
from ratings.engine import recompute_all
from ratings.models import ProgrammeRating
from ratings.moderation import disagreements
from reviews.models import CriterionScore, Framework, Review, ReviewState

pytestmark = pytest.mark.django_db

SMALL = SeedSizes(providers=20, programmes=120, reviewers=10)


def register_fingerprint() -> str:
    """The register's content, independent of database ids."""
    content = [
        list(Provider.objects.order_by("id").values_list("name", "provider_type", "regions")),
        list(Programme.objects.order_by("id").values_list("title", "status", "cost_per_participant", "provider__name")),
        list(CriterionScore.objects.order_by("id").values_list("criterion__code", "score", "rationale")),
    ]
    return hashlib.sha256(repr(content).encode()).hexdigest()


def delete_seeded_data():
    CalibrationExercise.objects.all().delete()
    CriterionScore.objects.all().delete()
    Review.objects.all().delete()
    Programme.objects.all().delete()
    Provider.objects.all().delete()
    User.objects.filter(username__startswith="reviewer-").delete()


def test_it_makes_what_it_reports():
    report = seed_demo_data(sizes=SMALL, seed=3)
    assert (report.providers, report.programmes) == (20, 120)
    # Besides the register's programmes: one sample programme, a draft, for the calibration exercise.
    assert Provider.objects.count() == 20 and Programme.objects.exclude(slug=SAMPLE_SLUG).count() == 120
    assert Programme.objects.get(slug=SAMPLE_SLUG).status == "draft"
    assert CalibrationExercise.objects.get().references.count() == 20
    assert report.reviews == Review.objects.count() > 120
    assert report.criterion_scores == CriterionScore.objects.count()
    assert sum(report.by_status.values()) == 120


def test_it_covers_every_provider_type_region_and_believable_disagreement():
    seed_demo_data(sizes=SMALL, seed=3)
    assert set(Provider.objects.values_list("provider_type", flat=True)) == set(ProviderType.values)
    regions_seen = set().union(*Programme.objects.values_list("regions", flat=True))
    assert regions_seen == set(Region.values)
    published_scores = CriterionScore.objects.filter(review__state=ReviewState.PUBLISHED)
    assert set(published_scores.values_list("score", flat=True)) == {1, 2, 3, 4}
    assert all(published_scores.values_list("rationale", flat=True))


def test_the_same_seed_gives_the_same_register_and_another_seed_does_not():
    seed_demo_data(sizes=SMALL, seed=11)
    first = register_fingerprint()
    delete_seeded_data()
    seed_demo_data(sizes=SMALL, seed=11)
    assert register_fingerprint() == first
    delete_seeded_data()
    seed_demo_data(sizes=SMALL, seed=12)
    assert register_fingerprint() != first


def test_reviewers_are_never_given_a_programme_of_an_organisation_they_worked_for():
    seed_demo_data(sizes=SMALL, seed=5)
    conflicted = Review.objects.filter(reviewer__affiliations__provider_id=F("programme__provider_id"))
    assert not conflicted.exists()


def test_the_command_creates_one_demo_account_per_role_and_skips_a_full_register(capsys):
    call_command("seed_demo", "--programmes", "30", "--providers", "10", "--reviewers", "5", verbosity=0)
    assert set(
        User.objects.filter(username__in=["convenor", "reviewer", "editor", "admin"]).values_list("username", flat=True)
    ) == {"convenor", "reviewer", "editor", "admin"}
    assert User.objects.get(username="editor").editable_providers.count() == 1
    call_command("seed_demo", "--if-empty", verbosity=0)
    assert Programme.objects.exclude(slug=SAMPLE_SLUG).count() == 30
    assert "nothing seeded" in capsys.readouterr().out


def test_the_foreign_keys_dropped_for_the_bulk_load_are_back_and_enforced():
    seed_demo_data(sizes=SMALL, seed=2)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reviews_criterionscore (review_id, criterion_id, score, rationale, updated_at) "
            "VALUES (987654321, (SELECT MIN(id) FROM reviews_criterion), 3, 'x', now())"
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_readme_lists_every_account_the_demo_makes():
    from pathlib import Path

    from demo.seeding import DEMO_ACCOUNTS, SCALES

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for username, _role, _staff in DEMO_ACCOUNTS:
        assert f"`{username}`" in readme, username
    last = f"reviewer-{SCALES['demo'].reviewers:05d}"
    assert "`reviewer-00001`" in readme and f"`{last}`" in readme


def test_every_seeded_reviewer_is_in_the_pool_with_room_for_new_work_and_some_full():
    seed_demo_data(sizes=SeedSizes(providers=20, programmes=200, reviewers=30), seed=4)
    profiles = ReviewerProfile.objects.filter(reviewer__username__startswith="reviewer")
    assert profiles.count() == 31  # the 30 seeded and the demo "reviewer"
    assert ReviewerStatus.ACTIVE in set(profiles.values_list("status", flat=True))
    assert all(profile.phases and profile.focus_levels and profile.expertise_tags for profile in profiles)
    open_work = {
        profile.reviewer_id: Review.objects.filter(
            reviewer_id=profile.reviewer_id, state__in=["assigned", "in-progress", "returned"]
        ).count()
        for profile in profiles
    }
    assert all(profile.capacity >= open_work[profile.reviewer_id] for profile in profiles)
    assert any(profile.capacity > open_work[profile.reviewer_id] for profile in profiles)


def test_the_demo_register_has_an_exemplary_programme_and_flags_a_minority_for_moderation():
    """The demo as ``seed_demo`` makes it (default scale and seed), rated by method version 2."""
    seed_demo_data(sizes=SCALES["demo"], seed=1)
    recompute_all()
    framework = Framework.objects.get(is_live=True)

    assert ProgrammeRating.objects.filter(band="Exemplary").exists()
    published_reviews = Review.objects.filter(state=ReviewState.PUBLISHED).values_list("id", flat=True)
    checked = disagreements(review_ids=published_reviews, framework=framework)
    flagged = sum(check.needs_moderation for check in checked.values())
    assert 0 < flagged / len(checked) < 0.3


def test_face_to_face_and_blended_demo_programmes_name_local_authorities_in_their_regions():
    from programmes import local_authorities

    seed_demo_data(sizes=SMALL, seed=3)
    known = local_authorities.by_code()
    in_person = Programme.objects.exclude(slug=SAMPLE_SLUG).exclude(delivery_mode="online")
    assert in_person.exists() and all(programme.local_authorities for programme in in_person)
    for programme in in_person:
        assert {known[code].region for code in programme.local_authorities} <= set(programme.regions)
    assert not Programme.objects.filter(delivery_mode="online").exclude(local_authorities=[]).exists()
