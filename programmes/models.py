import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Now

from programmes.vocabulary import DeliveryMode, ElementKey, FocusLevel, Format, FundingRoute, ProgrammeStatus
from providers.models import Provider
from providers.vocabulary import Phase, Region
from qaportal.fields import ChoiceSetField, PlainCharField, PlainTextField, PlainURLField
from qaportal.reversing import reverse


class LocalAuthority(models.Model):
    """One of England's upper-tier local authorities, in its region (rows from migration 0006)."""

    code = models.CharField(max_length=9, primary_key=True, help_text="The ONS (GSS) code, for example E08000016.")
    name = models.CharField(max_length=100, unique=True)
    region = models.CharField(max_length=32, choices=Region.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# What a programme is and how it runs, in the order the API lists them: the directory shows these,
# an editor types them (with more besides) and the demo seeds them.
DESCRIPTION_FIELDS: tuple[str, ...] = (
    "summary",
    "focus_level",
    "phases",
    "regions",
    "format",
    "delivery_mode",
    "local_authorities",
    "contact_hours",
    "duration_weeks",
    "cost_per_participant",
    "funding_routes",
    "target_staff",
)


class Programme(models.Model):
    """One offer of professional development by one provider."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="programmes")
    # The provider's own stable key for the programme, which a bulk import matches rows on.
    reference = PlainCharField(max_length=64, blank=True, db_default="")
    title = PlainCharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = PlainTextField(help_text="One or two sentences that say who it is for and what it does.")
    focus_level = PlainCharField(max_length=32, choices=FocusLevel.choices)
    phases = ChoiceSetField(choices_class=Phase)
    regions = ChoiceSetField(choices_class=Region)
    format = PlainCharField(max_length=32, choices=Format.choices)
    delivery_mode = PlainCharField(max_length=32, choices=DeliveryMode.choices)
    # Codes of LocalAuthority rows, sorted; only for face-to-face and blended delivery. An array,
    # not a many-to-many table: the directory's filter is one GIN-indexed overlap on the programme
    # row, the snapshot reads it in its one query, and a change is a write to the programme row
    # (which the snapshot's fingerprint sees). The form and import check every code is a real one.
    local_authorities = ArrayField(models.CharField(max_length=9), blank=True, default=list, db_default=[])
    contact_hours = models.PositiveSmallIntegerField(help_text="Hours of contact time in total.")
    duration_weeks = models.PositiveSmallIntegerField(help_text="Weeks from first session to last.")
    cost_per_participant = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Full cost per participant in pounds; 0 if free.",
    )
    funding_routes = ChoiceSetField(choices_class=FundingRoute, blank=True)
    target_staff = PlainCharField(
        max_length=300, blank=True, help_text="Which staff it is for, in the provider's words."
    )
    contact_email = models.EmailField(blank=True, db_default="", help_text="Where school leaders ask about it.")
    booking_url = PlainURLField(max_length=300, blank=True, db_default="", help_text="Where to book a place.")
    next_start_on = models.DateField(null=True, blank=True, help_text="When the next group starts.")
    intended_outcomes = PlainTextField()
    evidence_base = PlainTextField(help_text="Research and sources the programme draws on.")
    status = PlainCharField(max_length=16, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = PlainTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Weighted title > provider name > summary, outcomes and evidence base; kept up to date by
    # programmes.search and indexed with GIN on PostgreSQL (migration 0002). Published programmes'
    # vectors are mirrored into PublishedSearchDocument, which the directory searches.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(cost_per_participant__gte=0), name="programme_cost_not_negative"),
            models.CheckConstraint(condition=models.Q(contact_hours__gte=0), name="programme_hours_not_negative"),
            models.UniqueConstraint(
                fields=["provider", "reference"],
                condition=~models.Q(reference=""),
                name="programme_reference_unique_per_provider",
            ),
        ]
        indexes = [
            # The directory lists published programmes only; most filters combine with this.
            models.Index(fields=["status", "focus_level"], name="programme_status_focus"),
            models.Index(fields=["status", "cost_per_participant"], name="programme_status_cost"),
            models.Index(fields=["status", "-published_at"], name="programme_status_newest"),
            GinIndex(fields=["local_authorities"], name="programme_local_authorities"),
            # Where a changed programme goes in the directory's A–Z order (programmes.facets).
            models.Index(
                fields=["title", "id"], condition=models.Q(status="published"), name="programme_published_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", kwargs={"slug": self.slug})

    @property
    def is_free(self) -> bool:
        return self.cost_per_participant == 0


class PublishedSearchDocument(models.Model):
    """A published programme's search vector, in a narrow table of its own (PostgreSQL only).

    Why: a broad term matches ~40% of the register, and a match (with its rank) must read every
    matching vector. In the programme table each vector sits in a ~2 KB row among 370 MB of pages;
    here the same vectors fill 90 MB and hold no drafts, so a broad search reads a quarter of the
    pages (measured in BENCHMARKS.md). A database trigger (migration 0003) mirrors
    ``Programme.search_vector`` here whenever a programme's vector or status changes, whatever
    writes it, so nothing in the application maintains this table.
    """

    programme = models.OneToOneField(
        Programme, on_delete=models.DO_NOTHING, primary_key=True, db_constraint=False, related_name="+"
    )
    document = SearchVectorField()

    def __str__(self) -> str:
        return f"Search document of programme {self.programme_id}"


class EvidenceStatement(models.Model):
    """The provider's evidence portfolio: one statement per QA element, with supporting links."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="evidence_statements")
    element = PlainCharField(max_length=16, choices=ElementKey.choices)
    statement = PlainTextField()
    links = PlainTextField(blank=True, help_text="One web address per line.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "element"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "element"], name="one_evidence_statement_per_element"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.get_element_display()}"

    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class ProviderResponse(models.Model):
    """The provider's right of reply, shown beside the published rating."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="provider_response")
    text = PlainTextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    published_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Response to {self.programme}"


class ProgrammeChange(models.Model):
    """A change an editor made or asked for once a programme (or its provider) was public.

    Factual details are applied at once and kept here as their record; what reviewers assessed
    and public text wait here, ``pending``, until a convenor decides.
    """

    class Kind(models.TextChoices):
        FACTS = "facts", "Factual details"
        REVIEWED = "reviewed", "What was reviewed"
        EVIDENCE = "evidence", "Evidence portfolio"
        PUBLIC_TEXT = "public-text", "Public text"
        RESPONSE = "response", "Response to the reviews"
        PROVIDER = "provider", "Provider profile"

    class State(models.TextChoices):
        APPLIED = "applied", "Applied"
        PENDING = "pending", "Waiting for a convenor"
        APPROVED = "approved", "Approved"
        RE_REVIEW = "re-review", "Approved; re-review needed"
        REJECTED = "rejected", "Not approved"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="changes")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="changes")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # {field name: [stored value, proposed value]}, values as JSON (sets as sorted lists).
    fields = models.JSONField()
    state = models.CharField(max_length=16, choices=State.choices)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [
            # The convenor's list of changes to decide, oldest first.
            models.Index(fields=["proposed_at"], condition=models.Q(state="pending"), name="change_pending"),
            # A programme's page: its latest change of each kind.
            models.Index(fields=["programme", "kind", "-proposed_at"], name="change_programme_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.programme or self.provider} ({self.get_state_display()})"


class ImportJob(models.Model):
    """One uploaded file of programmes (for one provider) or of providers, checked and then imported.

    The parsed rows are kept here, so the worker needs no file; each step (the dry run, then the
    import) writes every row's result. A step over the inline threshold is a durable outbox row
    (see qaportal.outbox): the task message is the fast path and the sweep runs a step whose
    message was lost or whose worker died.
    """

    class Kind(models.TextChoices):
        PROGRAMMES = "programmes", "Programmes"
        PROVIDERS = "providers", "Providers"

    class Step(models.TextChoices):
        CHECK = "check", "Checking the file"
        IMPORT = "import", "Importing"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Under way"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=200)
    rows = models.JSONField(default=list, help_text="The file's rows: {column: text}, in order.")
    # A large upload as it came, until the worker has read it into ``rows``.
    upload = models.BinaryField(null=True, blank=True, editable=False)
    step = models.CharField(max_length=8, choices=Step.choices, default=Step.CHECK)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # Per row: {"row": n, "reference": text, "outcome": create|update|unchanged|error, "errors": {column: [text]}}
    results = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    written = models.BooleanField(default=False, help_text="The import step committed its rows.")
    error = models.TextField(blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The sweep reads only unfinished steps.
            models.Index(
                fields=["created_at"], condition=models.Q(status__in=["queued", "running"]), name="import_unfinished"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} from {self.file_name} ({self.get_step_display()}, {self.get_status_display()})"
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def has_errors(self) -> bool:
        return bool(self.counts.get("error"))


class DirectoryChange(models.Model):
    """One change to what the public sees, in the order the changes committed (the change log).

    Written only by database triggers (migration 0006), in the transaction of the change itself,
    whatever made it: the ORM, raw SQL or the ratings engine's set-based statements. One row per
    statement that changed something public: the programmes and providers it touched, or
    ``everything`` (a new live framework). ``max(version)`` is the register's change version,
    which every web process compares with its snapshot's (see ``programmes.facets``).
    """

    version = models.BigAutoField(primary_key=True)
    programme_ids = ArrayField(models.BigIntegerField(), default=list)
    provider_ids = ArrayField(models.BigIntegerField(), default=list)
    everything = models.BooleanField(default=False)
    # The table the statement changed: searches depend on programmes' and providers' text only.
    source = models.CharField(max_length=63)
    changed_at = models.DateTimeField(db_default=Now())

    def __str__(self) -> str:
        return f"Directory change {self.version}"
