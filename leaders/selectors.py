"""Reads for leaders: their shortlists, and a shortlist as a commissioning table."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from feedback.selectors import participant_ratings_for
from leaders import policies
from leaders.models import Enquiry, EnquiryThread, Shortlist, ShortlistEntry
from programmes.models import Programme
from programmes.vocabulary import ProgrammeStatus
from providers.models import Provider
from qaportal.errors import found
from qaportal.roles import Visitor
from ratings.models import band_name

ELEMENTS = ["purpose", "governance", "process", "definitions", "value"]

EXPORT_HEADER = [
    "Programme", "Provider", "Provider type", "For", "Format", "Delivery", "Contact hours", "Weeks",
    "Cost per participant (£)", "Funding", "Band", "Overall score (out of 4)", "Published reviews",
    "Purpose", "Governance", "Process", "Definitions", "Value", "Intended outcomes", "Evidence base",
    "Participant score (separate)", "Participant responses", "Participant response rate", "Your note", "Page",
]  # fmt: skip


def shortlists_with_counts(user: Visitor) -> QuerySet[Shortlist]:
    return policies.shortlists_for(user).annotate(programme_count=Count("entries"))


def shortlist_with_entries(user: Visitor, shortlist_id: int) -> Shortlist:
    entries = ShortlistEntry.objects.select_related("programme__provider", "programme__rating").order_by("added_at")
    shortlists = policies.shortlists_for(user).prefetch_related(Prefetch("entries", queryset=entries))
    return found(shortlists, "No such shortlist", pk=shortlist_id)


def _score(value: float | None) -> float | str:
    return "" if value is None else round(value, 2)


def export_rows(shortlist: Shortlist, site: str) -> list[list[object]]:
    """One row per programme with the evidence summary a commissioner needs (three queries)."""
    entries: list[ShortlistEntry] = list(shortlist.entries.all())
    participants = participant_ratings_for([entry.programme_id for entry in entries])
    rows = []
    for entry in entries:
        programme: Programme = entry.programme
        rating = getattr(programme, "rating", None)
        participant = participants.get(programme.id)
        rows.append([
            programme.title, programme.provider.name, programme.provider.get_provider_type_display(),
            programme.get_focus_level_display(), programme.get_format_display(), programme.get_delivery_mode_display(),
            programme.contact_hours, programme.duration_weeks, float(programme.cost_per_participant),
            ", ".join(programme.funding_routes), band_name(rating.band if rating else None),
            _score(rating.raw_mean if rating else None), rating.review_count if rating else 0,
            *[_score(getattr(rating, f"score_{key}", None)) for key in ELEMENTS],
            programme.intended_outcomes, programme.evidence_base,
            _score(participant.shown_score if participant else None), participant.response_count if participant else 0,
            _score(participant.response_rate if participant else None), entry.note,
            site + programme.get_absolute_url(),
        ])  # fmt: skip
    return rows


# --- Enquiries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderChoice:
    """A provider a leader may send an enquiry to, with the programmes it is about."""

    provider: Provider
    programmes: tuple[Programme, ...]

    @property
    def label(self) -> str:
        return self.provider.name


def enquiry_choices(
    user: Visitor, *, shortlist_id: int | None = None, programme_id: int | None = None
) -> list[ProviderChoice]:
    """The providers of a leader's shortlist's published programmes, or of one published programme."""
    published = Programme.objects.filter(status=ProgrammeStatus.PUBLISHED).select_related("provider")
    if shortlist_id is not None:
        entries = ShortlistEntry.objects.filter(shortlist__in=policies.shortlists_for(user).filter(pk=shortlist_id))
        programmes = published.filter(pk__in=entries.values("programme_id")).order_by("provider__name", "title")
    elif programme_id is not None and policies.is_leader(user):
        programmes = published.filter(pk=programme_id)
    else:
        programmes = Programme.objects.none()
    grouped: dict[int, list[Programme]] = {}
    for programme in programmes:
        grouped.setdefault(programme.provider_id, []).append(programme)
    return [ProviderChoice(group[0].provider, tuple(group)) for group in grouped.values()]


def leader_enquiries(user: Visitor) -> QuerySet[Enquiry]:
    """A leader's enquiries, newest first, with how many providers replied (two queries in all)."""
    threads = EnquiryThread.objects.select_related("provider").order_by("provider__name")
    return (
        policies.enquiries_for(user)
        .annotate(reply_count=Count("threads", filter=Q(threads__provider_replied_at__isnull=False)))
        .prefetch_related(Prefetch("threads", queryset=threads))
        .order_by("-created_at", "-id")  # a grouped query keeps no default order
    )


def leader_enquiry(user: Visitor, enquiry_id: int) -> Enquiry:
    """One of the leader's enquiries with every provider's thread and its messages."""
    threads = (
        EnquiryThread.objects.select_related("provider")
        .prefetch_related("messages", "programmes")
        .order_by("provider__name")
    )
    enquiries = policies.enquiries_for(user).prefetch_related(Prefetch("threads", queryset=threads))
    return found(enquiries, "No such enquiry", pk=enquiry_id)


def provider_inbox(user: Visitor) -> QuerySet[EnquiryThread]:
    """The threads addressed to the editor's providers, newest first (one query)."""
    return policies.threads_for_editor(user).select_related("enquiry", "provider", "enquiry__leader__leader_account")


def provider_thread(user: Visitor, thread_id: int) -> EnquiryThread:
    return found(provider_inbox(user).prefetch_related("messages", "programmes"), "No such enquiry", pk=thread_id)


def leader_label(thread: EnquiryThread) -> str:
    """How a provider sees the leader: their school, and their address only once they shared it."""
    account = thread.enquiry.leader.leader_account
    who = f"A school leader at {account.school_name}" if account.school_name else "A school leader"
    return f"{who} ({thread.enquiry.leader.email})" if thread.email_shared_at else who
