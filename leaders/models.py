"""School leaders' own accounts: optional (the directory stays open to everyone), for keeping
shortlists, saved searches and alerts. A leader is a user with a ``LeaderAccount``."""

from django.conf import settings
from django.db import models

from programmes.models import Programme
from providers.models import Provider
from providers.vocabulary import Phase
from qaportal.fields import PlainCharField, PlainTextField


class AlertFrequency(models.TextChoices):
    WEEKLY = "weekly", "A weekly digest"
    IMMEDIATE = "immediate", "Straight away"
    NEVER = "never", "No alerts"


class LeaderAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="leader_account"
    )
    school_name = PlainCharField(max_length=200, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    alert_frequency = models.CharField(max_length=16, choices=AlertFrequency.choices, default=AlertFrequency.WEEKLY)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Leader {self.user_id}"


class Shortlist(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortlists")
    name = PlainCharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="shortlist_name_once_per_leader")]

    def __str__(self) -> str:
        return self.name


class ShortlistEntry(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    note = PlainTextField(blank=True, max_length=2000, help_text="Private: only you see it.")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shortlist", "added_at"]
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "programme"], name="programme_once_per_shortlist"),
        ]
        indexes = [
            # Alerts: which leaders have shortlisted a programme that changed.
            models.Index(fields=["programme"], name="shortlist_entry_programme"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} on {self.shortlist_id}"


class SavedSearch(models.Model):
    """A directory search kept by a leader: its query string, as the directory URL had it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = PlainCharField(max_length=120)
    query = models.CharField(max_length=2000, help_text="The directory's query string, without the page.")
    created_at = models.DateTimeField(auto_now_add=True)
    # Programmes published up to this moment have been matched against the search already.
    checked_until = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "query"], name="search_saved_once_per_leader")]

    def __str__(self) -> str:
        return self.name


class AlertKind(models.TextChoices):
    NEW_MATCH = "new-match", "New programme matching a saved search"
    RATING_CHANGED = "rating-changed", "Rating changed"
    WITHDRAWN = "withdrawn", "Withdrawn from the register"
    EXPIRED = "expired", "Rating expired"


class AlertSent(models.Model):
    """The durable record that a leader is told of one change once: written when the change is
    found (the unique constraint makes finding it again a no-op), delivered by the next digest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    change_key = models.CharField(max_length=80, help_text="Which change: e.g. when the new rating was computed.")
    saved_search = models.ForeignKey(SavedSearch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    found_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "programme", "change_key"], name="each_alert_once"),
        ]
        indexes = [
            # The digest reads each leader's undelivered alerts.
            models.Index(fields=["user"], condition=models.Q(delivered_at__isnull=True), name="alert_owed"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.programme_id} for {self.user_id}"


# --- Enquiries --------------------------------------------------------------------------------


class Enquiry(models.Model):
    """One enquiry a leader sends to up to five providers at once; each provider has its own thread.

    The leader's e-mail address is on their user row only: providers see the enquiry and the
    leader's school, and a thread shows the address once the leader shares it with that provider.
    """

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enquiries")
    need = models.TextField(max_length=2000)
    phase = models.CharField(max_length=32, choices=Phase.choices)
    staff_count = models.PositiveIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    # Where it was sent from, so the providers know which programme it is about.
    programme = models.ForeignKey(Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    shortlist = models.ForeignKey(Shortlist, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "enquiries"
        indexes = [
            # The rate limit counts a leader's enquiries of the last day; their list reads the same.
            models.Index(fields=["leader", "created_at"], name="enquiry_leader_recent"),
        ]

    def __str__(self) -> str:
        return f"Enquiry {self.pk} from {self.leader_id}"

    @property
    def subject(self) -> str:
        """The first line of the need, short: what lists and e-mails call the enquiry."""
        first = self.need.strip().splitlines()[0] if self.need.strip() else "Enquiry"
        return first if len(first) <= 80 else first[:79].rstrip() + "…"


class EnquiryThread(models.Model):
    """The conversation between the leader and one provider about one enquiry."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="threads")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="enquiry_threads")
    programmes = models.ManyToManyField(Programme, blank=True, related_name="+")
    email_shared_at = models.DateTimeField(null=True, blank=True)
    # When the provider's editors last opened it, and when a provider last replied: unread/replied.
    provider_read_at = models.DateTimeField(null=True, blank=True)
    provider_replied_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_message_at"]
        constraints = [models.UniqueConstraint(fields=["enquiry", "provider"], name="one_thread_per_provider")]
        indexes = [
            # A provider's inbox, newest first.
            models.Index(fields=["provider", "-last_message_at"], name="enquiry_inbox"),
        ]

    def __str__(self) -> str:
        return f"Enquiry {self.enquiry_id} to {self.provider_id}"

    @property
    def is_unread(self) -> bool:
        return self.provider_read_at is None or self.provider_read_at < self.last_message_at


class EnquiryMessage(models.Model):
    """A message in a thread: the enquiry's own text is not repeated here, only replies."""

    thread = models.ForeignKey(EnquiryThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    from_provider = models.BooleanField()
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Message {self.pk} on {self.thread_id}"


class EnquiryEmailKind(models.TextChoices):
    NEW_ENQUIRY = "new-enquiry", "New enquiry, to the provider's editors"
    PROVIDER_REPLY = "provider-reply", "A provider's reply, to the leader"
    LEADER_REPLY = "leader-reply", "The leader's reply, to the provider's editors"


class EnquiryEmail(models.Model):
    """An e-mail owed about a thread, written in the transaction that caused it and sent by the
    worker exactly as workflow notifications are (``reviews.Notification``): claimed with a short
    committed update, ``sent_at`` once sent, a sweep for lost messages."""

    thread = models.ForeignKey(EnquiryThread, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(EnquiryMessage, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=16, choices=EnquiryEmailKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.TextField(blank=True, help_text="Addresses it went to, one per line.")

    class Meta:
        indexes = [
            # The sweep reads only the unsent ones.
            models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="enquiry_email_owed"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for thread {self.thread_id}"


class EnquiryEventKind(models.TextChoices):
    SENT = "sent", "Enquiry sent"
    REPLIED = "replied", "Reply sent"
    EMAIL_SHARED = "email-shared", "E-mail address shared"


class EnquiryEvent(models.Model):
    """The enquiries' audit trail, append-only: who sent, replied or shared their address, when.
    Sharing an address is the leader's consent, so it is recorded where it happened."""

    thread = models.ForeignKey(EnquiryThread, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=16, choices=EnquiryEventKind.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.thread_id}"
