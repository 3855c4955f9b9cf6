"""The demo's reviewer pool: statuses, capacities and expertise for every seeded reviewer, a
calibration exercise with a panel's reference, and a few applications awaiting a decision.

Capacities are set after the reviews are written, from each reviewer's open assignments, so the
pool has room to take new work and a few reviewers are full — as a real pool would be.
"""

import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db.models import Count

from demo import vocabulary as words
from pool.models import (
    ApplicationStatus,
    CalibrationExercise,
    ReferenceScore,
    ReviewerApplication,
    ReviewerProfile,
    ReviewerStatus,
)
from programmes.models import EvidenceStatement, Programme
from programmes.vocabulary import DeliveryMode, ElementKey, FocusLevel, Format, ProgrammeStatus
from providers.vocabulary import Phase, Region
from qaportal.fields import ChoiceSetField
from reviews.models import Review
from reviews.state_machine import REVIEW_EDITABLE

STATUS_WEIGHTS = [
    (ReviewerStatus.ACTIVE, 82),
    (ReviewerStatus.IN_TRAINING, 8),
    (ReviewerStatus.PAUSED, 6),
    (ReviewerStatus.RETIRED, 4),
]
STATUSES, WEIGHTS = [status for status, _ in STATUS_WEIGHTS], [weight for _, weight in STATUS_WEIGHTS]
# Free places on top of each reviewer's open assignments; 0 means they are full.
SPARE_PLACES = [0, 1, 1, 2, 2, 3, 3, 4]
TAGS = ["coaching", "early reading", "maths", "send", "curriculum", "assessment", "leadership", "wellbeing", "ect"]
SAMPLE_SLUG = "calibration-sample-leading-early-reading"
REFERENCE_LEVELS = [3, 2, 4, 3, 2, 3, 1, 3, 3, 2, 4, 3, 2, 3, 3, 2, 4, 2, 3, 3]


def _mask(field: ChoiceSetField, rng: random.Random, low: int, high: int) -> int:
    members = list(field.choices_class)
    return field.mask_of(member.value for member in rng.sample(members, rng.randint(low, high)))


def seed_pool(*, reviewer_ids: list[int], demo_reviewer_id: int, framework, rng: random.Random) -> int:
    """Profiles for the seeded reviewers (after their reviews exist); returns how many."""
    phases = ReviewerProfile._meta.get_field("phases")
    focus = ReviewerProfile._meta.get_field("focus_levels")
    regions = ReviewerProfile._meta.get_field("regions")
    open_reviews = dict(
        Review.objects.filter(reviewer_id__in=reviewer_ids, state__in=REVIEW_EDITABLE)
        .values_list("reviewer_id")
        .annotate(open=Count("id"))
        .order_by()
    )
    profiles = []
    for reviewer_id in reviewer_ids:
        demo = reviewer_id == demo_reviewer_id
        status = ReviewerStatus.ACTIVE if demo else rng.choices(STATUSES, WEIGHTS)[0]
        spare = 3 if demo else rng.choice(SPARE_PLACES)
        profiles.append(
            ReviewerProfile(
                reviewer_id=reviewer_id,
                status=status,
                capacity=max(2, open_reviews.get(reviewer_id, 0) + spare),
                phases=_mask(phases, rng, 2, 4),
                focus_levels=_mask(focus, rng, 2, 4),
                regions=_mask(regions, rng, 1, 3),
                expertise_tags=sorted(rng.sample(TAGS, rng.randint(1, 3))),
                calibrated_for=None if status == ReviewerStatus.IN_TRAINING else framework,
            )
        )
    ReviewerProfile.objects.bulk_create(profiles, batch_size=2000, ignore_conflicts=True)
    return len(profiles)


def seed_calibration_exercise(*, provider_id: int, framework, criteria, by: User | None) -> CalibrationExercise:
    """One sample programme (a draft, never in the directory) with a full portfolio and the
    reference scores and rationales a panel agreed."""
    exercise = CalibrationExercise.objects.create(
        title="Early reading sample (panel reference)",
        programme=_calibration_sample(provider_id),
        framework=framework,
        is_open=True,
        created_by=by,
    )
    ReferenceScore.objects.bulk_create(
        ReferenceScore(
            exercise=exercise,
            criterion=criterion,
            score=REFERENCE_LEVELS[index % len(REFERENCE_LEVELS)],
            rationale=f"{words.RATIONALE_OPENINGS[REFERENCE_LEVELS[index % len(REFERENCE_LEVELS)]][0]} "
            f"{criterion.title}: the panel agreed this from the portfolio.",
        )
        for index, criterion in enumerate(sorted(criteria, key=lambda c: (c.element.position, c.position)))
    )
    return exercise


def _calibration_sample(provider_id: int) -> Programme:
    programme = Programme.objects.create(
        provider_id=provider_id,
        title="Calibration sample: leading early reading across a trust",
        slug=SAMPLE_SLUG,
        summary="A sample programme for training reviewers: middle leaders lead early reading in their schools.",
        focus_level=FocusLevel.MIDDLE_LEADER,
        phases=[Phase.PRIMARY],
        regions=[Region.NORTH_EAST],
        format=Format.COURSE,
        delivery_mode=DeliveryMode.BLENDED,
        contact_hours=18,
        duration_weeks=20,
        cost_per_participant=Decimal("650.00"),
        intended_outcomes="Phonics leads coach colleagues and pupils' decoding improves.",
        evidence_base="The EEF's guidance on early literacy and on professional development.",
        status=ProgrammeStatus.DRAFT,
    )
    EvidenceStatement.objects.bulk_create(
        EvidenceStatement(
            programme=programme,
            element=element,
            statement=f"The sample's evidence for {element.label.lower()}: what a panel of convenors scored.",
            links="https://example.org/calibration-sample",
        )
        for element in ElementKey
    )
    return programme


def seed_applications(*, count: int, rng: random.Random, password: str) -> None:
    phases = ReviewerApplication._meta.get_field("phases")
    focus = ReviewerApplication._meta.get_field("focus_levels")
    for number in range(1, count + 1):
        user, _ = User.objects.get_or_create(
            username=f"applicant-{number}",
            defaults={
                "email": f"applicant-{number}@lpd-register.example",
                "first_name": rng.choice(words.FIRST_NAMES),
                "last_name": rng.choice(words.LAST_NAMES),
                "password": make_password(password),
            },
        )
        ReviewerApplication.objects.get_or_create(
            applicant=user,
            status=ApplicationStatus.PENDING,
            defaults={
                "current_role": rng.choice(["Deputy headteacher", "Head of English", "Trust director of CPD"]),
                "experience": "Has led the school's professional development programme for four years.",
                "phases": phases.values_of(_mask(phases, rng, 1, 2)),
                "focus_levels": focus.values_of(_mask(focus, rng, 1, 2)),
                "organisations": f"{rng.choice(words.PLACES)} Learning Trust",
            },
        )
