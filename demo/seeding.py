"""Realistic synthetic data for the demo and the national-scale benchmarks.

Everything derives from one ``random.Random(seed)`` and a fixed start date, so a seed always
gives the same register. Quality is modelled, not drawn flat: each provider has an underlying
quality, each programme varies around it, each reviewer is a little harsher or kinder than the
next, so ratings spread believably and reviewers sometimes disagree.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.utils.text import slugify

from demo import vocabulary as words
from demo.bulk import foreign_keys_validated_in_bulk, insert_rows, next_id, reset_sequences
from programmes import local_authorities
from programmes.models import DESCRIPTION_FIELDS
from programmes.search import refresh_search_vectors
from programmes.vocabulary import DeliveryMode, FocusLevel, Format, FundingRoute, ProgrammeStatus
from providers.vocabulary import ProviderType
from qaportal.fields import ChoiceSetField
from qaportal.roles import Role
from reviews.models import Affiliation, Criterion, Framework, ReviewState

START = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
DEMO_PASSWORD = "register-demo-2026"
DEMO_ACCOUNTS = [
    # (username, role, is_staff)
    ("convenor", Role.CONVENOR, False),
    ("reviewer", Role.REVIEWER, False),
    ("editor", Role.PROVIDER_EDITOR, False),
    ("admin", None, True),
]
BULK_TABLES = ["programmes_programme", "reviews_review", "reviews_criterionscore"]
CHUNK = 2_000  # programmes per bulk write: bounded memory at national scale


@dataclass(frozen=True)
class SeedSizes:
    providers: int
    programmes: int
    reviewers: int


SCALES = {
    "demo": SeedSizes(providers=60, programmes=300, reviewers=24),
    "national": SeedSizes(providers=10_000, programmes=200_000, reviewers=2_000),
}


@dataclass
class SeedReport:
    providers: int = 0
    programmes: int = 0
    reviews: int = 0
    criterion_scores: int = 0
    reviewers: int = 0
    seconds: float = 0.0
    by_status: dict[str, int] = field(default_factory=dict)


Progress = Callable[[int], None]


def seed_demo_data(*, sizes: SeedSizes, seed: int = 1, progress: Progress | None = None) -> SeedReport:
    """Add a synthetic register of the given size. ``progress`` is called with programmes written."""
    started = time.monotonic()
    rng = random.Random(seed)
    framework = Framework.objects.get(is_live=True)
    criteria = list(Criterion.objects.filter(element__framework=framework).select_related("element"))
    report = SeedReport()
    with transaction.atomic():
        accounts = ensure_demo_accounts()
        reviewer_ids = [*create_reviewers(sizes.reviewers, rng), accounts["reviewer"].id]
        provider_qualities = write_providers(sizes.providers, rng, report)
        provider_ids = list(provider_qualities)
        accounts["editor"].editable_providers.add(provider_ids[0])
        conflicts = record_affiliations(reviewer_ids, provider_ids, rng)
        writer = ProgrammeWriter(
            rng=rng, framework=framework, criteria=criteria, provider_qualities=provider_qualities,
            reviewer_ids=reviewer_ids, demo_reviewer_id=accounts["reviewer"].id, conflicts=conflicts, report=report,
        )  # fmt: skip
        _write_programmes(writer, sizes.programmes, progress)
        seed_reviewer_pool(
            reviewer_ids=reviewer_ids, accounts=accounts, provider_ids=provider_ids, framework=framework,
            criteria=criteria, rng=rng,
        )  # fmt: skip
        refresh_search_vectors()
        start_rating_validities(framework)
    report.reviewers = len(reviewer_ids)
    report.seconds = time.monotonic() - started
    return report


def _write_programmes(writer: "ProgrammeWriter", total: int, progress: Progress | None) -> None:
    with foreign_keys_validated_in_bulk(BULK_TABLES):
        for start in range(0, total, CHUNK):
            count = min(CHUNK, total - start)
            writer.write_chunk(start, count)
            if progress:
                progress(count)
    reset_sequences(["providers_provider", *BULK_TABLES])


def start_rating_validities(framework: Framework) -> None:
    """Each published programme's rating is valid from its publication for the framework's period
    (set-based, as the publishing service does one at a time); any already past it expire."""
    from reviews.accreditation import ratings_expire

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ratings_ratingvalidity (programme_id, valid_from, expires_at, expired_at) "
            "SELECT id, published_at, published_at + make_interval(months => %s), NULL "
            "FROM programmes_programme WHERE status = 'published' AND published_at IS NOT NULL "
            "ON CONFLICT (programme_id) DO NOTHING",
            [framework.validity_months],
        )
    ratings_expire()


def seed_reviewer_pool(*, reviewer_ids, accounts, provider_ids, framework, criteria, rng) -> None:
    """Every seeded reviewer in the pool with a status, capacity and expertise; one calibration
    exercise; two applications awaiting a convenor."""
    from demo import pool
    from programmes.models import Programme

    pool.seed_pool(reviewer_ids=reviewer_ids, demo_reviewer_id=accounts["reviewer"].id, framework=framework, rng=rng)
    if not Programme.objects.filter(slug=pool.SAMPLE_SLUG).exists():
        sample_provider = provider_ids[1] if len(provider_ids) > 1 else provider_ids[0]
        pool.seed_calibration_exercise(
            provider_id=sample_provider, framework=framework, criteria=criteria, by=accounts["convenor"]
        )
    pool.seed_applications(count=2, rng=rng, password=DEMO_PASSWORD)


def ensure_demo_accounts() -> dict[str, User]:
    """One account per role, listed in the README; the password is the same for all of them."""
    accounts = {}
    for username, role, is_staff in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@lpd-register.example",
                "first_name": username.capitalize(),
                "last_name": "Demo",
                "is_staff": is_staff,
                "is_superuser": is_staff,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if role:
            user.groups.add(Group.objects.get(name=role))
        accounts[username] = user
    return accounts


def create_reviewers(count: int, rng: random.Random) -> list[int]:
    first_number = User.objects.filter(username__startswith="reviewer-").count() + 1
    password = make_password(DEMO_PASSWORD)
    reviewers = []
    for number in range(first_number, first_number + count):
        first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
        reviewers.append(
            User(
                username=f"reviewer-{number:05d}",
                email=f"reviewer-{number:05d}@lpd-register.example",
                first_name=first,
                last_name=last,
                password=password,
            )
        )
    created = User.objects.bulk_create(reviewers, batch_size=1000)
    reviewer_group = Group.objects.get(name=Role.REVIEWER)
    reviewer_group.user_set.through.objects.bulk_create(
        [reviewer_group.user_set.through(user_id=user.id, group_id=reviewer_group.id) for user in created],
        batch_size=1000,
    )
    return [user.id for user in created]


def random_mask(field: ChoiceSetField, rng: random.Random, low: int, high: int) -> int:
    members = list(field.choices_class)
    return field.mask_of(member.value for member in rng.sample(members, rng.randint(low, high)))


def write_providers(count: int, rng: random.Random, report: SeedReport) -> dict[int, float]:
    from providers.models import Provider

    regions_field = Provider._meta.get_field("regions")
    phases_field = Provider._meta.get_field("phases")
    first_id = next_id("providers_provider")
    types = list(ProviderType)
    rows, qualities = [], {}
    for offset in range(count):
        provider_id = first_id + offset
        provider_type = types[offset % len(types)] if offset < len(types) else rng.choice(types)
        name = provider_name(provider_type, rng)
        quality = min(3.8, max(1.2, rng.gauss(2.75, 0.45)))
        qualities[provider_id] = quality
        created = START - timedelta(days=rng.randint(30, 700))
        rows.append((
            provider_id, name, f"{slugify(name)[:200]}-{provider_id}", provider_type.value,
            random_mask(regions_field, rng, 1, 3), random_mask(phases_field, rng, 1, 3),
            f"{name} is a {provider_type.label.lower()} offering professional development for school staff.",
            f"https://www.{slugify(name)[:40]}.example",
            rng.randint(3, 60) if provider_type in {ProviderType.MAT, ProviderType.HUB} else None,
            created, created,
        ))  # fmt: skip
    report.providers = insert_rows("providers_provider", PROVIDER_COLUMNS, rows)
    return qualities


PROVIDER_COLUMNS = [
    "id", "name", "slug", "provider_type", "regions", "phases", "description", "website", "schools_in_partnership",
    "created_at", "updated_at",
]  # fmt: skip


def provider_name(provider_type: ProviderType, rng: random.Random) -> str:
    pattern = rng.choice(words.PROVIDER_PATTERNS[provider_type.value])
    return pattern.format(
        place=rng.choice(words.PLACES),
        place2=rng.choice(words.PLACES),
        virtue=rng.choice(words.VIRTUES),
        saint=rng.choice(words.SAINTS),
        subject=rng.choice(words.SUBJECTS),
        company=rng.choice(words.COMPANY_WORDS),
        first=rng.choice(words.FIRST_NAMES),
        last=rng.choice(words.LAST_NAMES),
    )


def record_affiliations(reviewer_ids: list[int], provider_ids: list[int], rng: random.Random) -> dict[int, int]:
    """Each reviewer worked for one provider: a recorded conflict the generator respects."""
    from providers.models import Provider

    conflicts = {reviewer_id: rng.choice(provider_ids) for reviewer_id in reviewer_ids}
    names = dict(Provider.objects.filter(id__in=set(conflicts.values())).values_list("id", "name"))
    Affiliation.objects.bulk_create(
        [
            Affiliation(reviewer_id=reviewer_id, provider_id=provider_id, organisation_name=names[provider_id])
            for reviewer_id, provider_id in conflicts.items()
        ],
        batch_size=2000,
    )
    return conflicts


# Share of programmes in each status, and how many reviews a programme in it has.
STATUS_WEIGHTS = [
    (ProgrammeStatus.PUBLISHED, 80),
    (ProgrammeStatus.IN_REVIEW, 8),
    (ProgrammeStatus.SUBMITTED, 2),
    (ProgrammeStatus.DRAFT, 7),
    (ProgrammeStatus.WITHDRAWN, 3),
]
# The demo editor's provider shows one programme in each stage of its life.
FIRST_PROVIDER_STATUSES = [
    ProgrammeStatus.PUBLISHED,
    ProgrammeStatus.PUBLISHED,
    ProgrammeStatus.IN_REVIEW,
    ProgrammeStatus.SUBMITTED,
    ProgrammeStatus.DRAFT,
]
PROGRAMME_COLUMNS = [
    "id",
    "provider_id",
    "title",
    "slug",
    *DESCRIPTION_FIELDS,
    "intended_outcomes",
    "evidence_base",
    "status",
    "submitted_at",
    "published_at",
    "withdrawn_reason",
    "created_at",
    "updated_at",
]
SUBMITTED_AT, PUBLISHED_AT = PROGRAMME_COLUMNS.index("submitted_at"), PROGRAMME_COLUMNS.index("published_at")
REVIEW_COLUMNS = [
    "id",
    "programme_id",
    "reviewer_id",
    "framework_id",
    "state",
    "overall_comment",
    "no_conflict_confirmed",
    "conflict_note",
    "return_comment",
    "assigned_by_id",
    "assigned_at",
    "submitted_at",
    "published_at",
    "updated_at",
]
SCORE_COLUMNS = ["id", "review_id", "criterion_id", "score", "rationale", "updated_at"]
FOLLOW_UPS = ["in-school follow-up", "peer observation", "coaching between sessions", "an enquiry project"]
SCORED_STATES = {ReviewState.SUBMITTED, ReviewState.ACCEPTED, ReviewState.PUBLISHED, ReviewState.WITHDRAWN}


class ProgrammeWriter:
    """Writes programmes with their reviews and criterion scores, a chunk at a time."""

    def __init__(
        self, *, rng, framework, criteria, provider_qualities, reviewer_ids, demo_reviewer_id, conflicts, report
    ):
        from programmes.models import Programme

        self.rng = rng
        self.framework = framework
        self.criteria = criteria
        self.provider_ids = list(provider_qualities)
        self.provider_qualities = provider_qualities
        self.reviewer_ids = reviewer_ids
        self.reviewer_severity = {reviewer_id: rng.gauss(0, 0.2) for reviewer_id in reviewer_ids}
        self.demo_reviewer_id = demo_reviewer_id
        self.conflicts = conflicts
        self.report = report
        self.phases_field = Programme._meta.get_field("phases")
        self.regions_field = Programme._meta.get_field("regions")
        self.funding_field = Programme._meta.get_field("funding_routes")
        self.place_rng = random.Random(hash(rng.getstate()))  # ints hash the same in every process
        self.authorities: dict[str, list[str]] = {}
        for authority in local_authorities.all_authorities():
            self.authorities.setdefault(authority.region, []).append(authority.code)
        self.next_programme_id = next_id("programmes_programme")
        self.next_review_id = next_id("reviews_review")
        self.next_score_id = next_id("reviews_criterionscore")
        self.first_programme_id = self.next_programme_id
        self.rationales = {
            (criterion.id, score): [
                f"{opening} {criterion.title}: {closing}"
                for opening in openings
                for closing in ("see the portfolio and sample materials.", "confirmed in the interview with the lead.")
            ]
            for criterion in criteria
            for score, openings in words.RATIONALE_OPENINGS.items()
        }
        self.demo_assignments_left = 4

    def write_chunk(self, start: int, count: int) -> None:
        programmes, reviews, scores = [], [], []
        for index in range(start, start + count):
            programme, status = self.programme_row(index)
            programmes.append(programme)
            self.report.by_status[status] = self.report.by_status.get(status, 0) + 1
            for review, review_scores in self.reviews_for(programme, status):
                reviews.append(review)
                scores.extend(review_scores)
        self.report.programmes += insert_rows("programmes_programme", PROGRAMME_COLUMNS, programmes)
        self.report.reviews += insert_rows("reviews_review", REVIEW_COLUMNS, reviews)
        self.report.criterion_scores += insert_rows("reviews_criterionscore", SCORE_COLUMNS, scores)

    def programme_row(self, index: int) -> tuple[tuple, ProgrammeStatus]:
        rng = self.rng
        programme_id = self.next_programme_id
        self.next_programme_id += 1
        if index < len(FIRST_PROVIDER_STATUSES):
            provider_id, status = self.provider_ids[0], FIRST_PROVIDER_STATUSES[index]
        else:
            provider_id = rng.choice(self.provider_ids)
            status = rng.choices([s for s, _ in STATUS_WEIGHTS], [w for _, w in STATUS_WEIGHTS])[0]
        focus = rng.choice(list(FocusLevel))
        programme_format = rng.choice(list(Format))
        topic = rng.choice(words.TOPICS[focus.value])
        title = f"{topic}: {words.FORMAT_WORDS[programme_format.value]}"
        cost = Decimal(0) if rng.random() < 0.12 else Decimal(rng.randrange(60, 4000, 5))
        created, submitted, published = self.programme_dates(status)
        sources = rng.sample(words.EVIDENCE_SOURCES, 2)
        outcomes = rng.sample(words.OUTCOME_PHRASES, 2)
        # The random draws are made in the order the row used to make them, so a seed gives the same data.
        follow_up = rng.choice(FOLLOW_UPS)
        phases, regions = random_mask(self.phases_field, rng, 1, 3), random_mask(self.regions_field, rng, 1, 4)
        mode = rng.choice(list(DeliveryMode))
        # In PROGRAMME_COLUMNS' order.
        row = (
            programme_id, provider_id, title, f"{slugify(title)[:180]}-{programme_id}",
            f"A {words.FORMAT_WORDS[programme_format.value]} for {focus.label.lower()} on "
            f"{topic.lower()}, with {follow_up}.",
            focus.value, phases, regions,
            programme_format.value, mode.value, self.local_authorities(mode, regions),
            rng.choice([6, 12, 18, 24, 30, 40, 60]), rng.choice([1, 6, 12, 20, 30, 39, 52]),
            cost, self.funding_mask(cost), focus.label,
            f"By the end, {outcomes[0]}, and {outcomes[1]}.", f"Draws on {sources[0]} and {sources[1]}.",
            status.value, submitted, published,
            "The provider no longer offers this programme." if status == ProgrammeStatus.WITHDRAWN else "",
            created, published or submitted or created,
        )  # fmt: skip
        return row, status

    def programme_dates(self, status: ProgrammeStatus) -> tuple[datetime, datetime | None, datetime | None]:
        """Created, submitted (all but drafts) and published (published or later withdrawn)."""
        rng = self.rng
        created = START + timedelta(days=rng.randint(0, 420), minutes=rng.randint(0, 600))
        submitted = created + timedelta(days=rng.randint(3, 30)) if status != ProgrammeStatus.DRAFT else None
        published = (
            submitted + timedelta(days=rng.randint(20, 90))
            if submitted is not None and status in {ProgrammeStatus.PUBLISHED, ProgrammeStatus.WITHDRAWN}
            else None
        )
        return created, submitted, published

    def local_authorities(self, mode: DeliveryMode, regions: int) -> str:
        """One to three authorities in the programme's regions, for face-to-face and blended
        delivery, as a PostgreSQL array literal (from a generator of their own: the other draws
        stay as they were)."""
        if mode == DeliveryMode.ONLINE:
            return "{}"
        nearby = [code for region in self.regions_field.values_of(regions) for code in self.authorities[region]]
        chosen = self.place_rng.sample(nearby, min(len(nearby), self.place_rng.randint(1, 3)))
        return "{" + ",".join(sorted(chosen)) + "}"

    def funding_mask(self, cost: Decimal) -> int:
        if cost == 0:
            return self.funding_field.mask_of([self.rng.choice([FundingRoute.DFE_FUNDED, FundingRoute.HUB_FUNDED])])
        return random_mask(self.funding_field, self.rng, 1, 2)

    def reviews_for(self, programme: tuple, status: ProgrammeStatus):
        rng = self.rng
        programme_id, provider_id, published = programme[0], programme[1], programme[PUBLISHED_AT]
        if status in {ProgrammeStatus.DRAFT, ProgrammeStatus.SUBMITTED}:
            return
        review_count = 3 if status == ProgrammeStatus.PUBLISHED and rng.random() < 0.15 else 2
        reviewers = self.pick_reviewers(provider_id, review_count, status)
        quality = self.provider_qualities[provider_id] + rng.gauss(0, 0.3)
        element_offsets = {
            key: rng.gauss(0, 0.25) for key in ("purpose", "governance", "process", "definitions", "value")
        }
        submitted_at = programme[SUBMITTED_AT]
        for reviewer_id in reviewers:
            state = self.review_state(status)
            review_id = self.next_review_id
            self.next_review_id += 1
            done = submitted_at + timedelta(days=rng.randint(5, 18)) if state in SCORED_STATES else None
            review = (
                review_id,
                programme_id,
                reviewer_id,
                self.framework.id,
                state.value,
                "A well-organised portfolio; see the criterion notes." if done else "",
                True,
                "",
                "",
                None,
                submitted_at + timedelta(days=1),
                done,
                published if state == ReviewState.PUBLISHED else None,
                done or submitted_at + timedelta(days=1),
            )
            yield review, self.scores_for(review_id, reviewer_id, state, quality, element_offsets, done)

    def pick_reviewers(self, provider_id: int, count: int, status: ProgrammeStatus) -> list[int]:
        chosen: list[int] = []
        if (
            status == ProgrammeStatus.IN_REVIEW
            and self.demo_assignments_left
            and self.conflicts.get(self.demo_reviewer_id) != provider_id
        ):
            self.demo_assignments_left -= 1
            chosen.append(self.demo_reviewer_id)
        while len(chosen) < count:
            reviewer_id = self.rng.choice(self.reviewer_ids)
            if reviewer_id not in chosen and self.conflicts.get(reviewer_id) != provider_id:
                chosen.append(reviewer_id)
        return chosen

    def review_state(self, status: ProgrammeStatus) -> ReviewState:
        if status == ProgrammeStatus.PUBLISHED:
            return ReviewState.PUBLISHED
        if status == ProgrammeStatus.WITHDRAWN:
            return ReviewState.WITHDRAWN
        return self.rng.choice(
            [ReviewState.ASSIGNED, ReviewState.IN_PROGRESS, ReviewState.SUBMITTED, ReviewState.ACCEPTED]
        )

    def scores_for(self, review_id, reviewer_id, state, quality, element_offsets, done) -> list[tuple]:
        if state == ReviewState.ASSIGNED:
            return []
        rng = self.rng
        severity = self.reviewer_severity[reviewer_id]
        criteria = self.criteria if state in SCORED_STATES else self.criteria[: rng.randint(1, 8)]
        rows = []
        for criterion in criteria:
            raw = quality + element_offsets[criterion.element.key] + severity + rng.gauss(0, 0.45)
            score = min(4, max(1, round(raw)))
            rows.append(
                (
                    self.next_score_id,
                    review_id,
                    criterion.id,
                    score,
                    rng.choice(self.rationales[(criterion.id, score)]),
                    done or START,
                )
            )
            self.next_score_id += 1
        return rows
