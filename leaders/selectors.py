"""Reads for leaders: their shortlists, and a shortlist as a commissioning table."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from feedback.selectors import participant_ratings_for
from leaders import policies
from leaders.models import Shortlist, ShortlistEntry
from programmes.models import Programme
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
    return policies.shortlists_for(user).prefetch_related(Prefetch("entries", queryset=entries)).get(pk=shortlist_id)


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
