"""The accreditation cycle: how long a rating is valid, the reminders before it expires, and expiry
itself.

Re-reviews (a provider's resubmission for reaccreditation, or a convenor's order after a concern)
are a step of the programme's lifecycle (``programmes.lifecycle``): the usual assignment and
moderation on a programme that stays published, whose current rating stands until the new reviews
are published.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from programmes.lifecycle import open_rereview
from programmes.models import Programme
from programmes.vocabulary import ProgrammeStatus
from ratings.models import RatingValidity
from ratings.services import mark_programme_rating_stale
from reviews import audit
from reviews.audit import Action, Change
from reviews.models import ExpiryReminder, Framework, Notification, NotificationKind, ReReviewReason

REMINDER_DAYS = (90, 30)
EXPIRING_WITHIN = timedelta(days=90)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later, or the month's last day if it has no such day (31 August
    plus six months is 28 or 29 February)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def validity_start(*, programme_id: int, framework: Framework, at: datetime) -> RatingValidity:
    """A newly published rating is valid from ``at`` for the framework's period (in the caller's
    transaction, which publishes the reviews)."""
    validity, _ = RatingValidity.objects.update_or_create(
        programme_id=programme_id,
        defaults={
            "valid_from": at,
            "expires_at": add_months(at, framework.validity_months),
            "expired_at": None,
        },
    )
    return validity


# --- Expiry -------------------------------------------------------------------------------------


def ratings_expire(*, now: datetime | None = None) -> int:
    """Mark every rating past its validity as expired; returns how many this call expired.

    A conditional update claims each rating once (``expired_at`` from null to now), so running it
    twice, or twice at once, expires nothing twice. Each expiry is audited and the programme marked
    stale, so its provider's aggregate is recomputed without it.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = RatingValidity.objects.select_for_update(skip_locked=True).filter(
            expired_at__isnull=True, expires_at__lte=now
        )
        expired = list(due.values_list("programme_id", "expires_at"))
        RatingValidity.objects.filter(programme_id__in=[pid for pid, _ in expired], expired_at__isnull=True).update(
            expired_at=now
        )
        for programme_id, expires_at in expired:
            audit.record(
                actor=None,
                programme_id=programme_id,
                action=Action.RATING_EXPIRED,
                change=Change("rating", f"valid until {expires_at:%-d %B %Y}", "expired"),
            )
            mark_programme_rating_stale(programme_id=programme_id)
    return len(expired)


def expiry_reminders_send(*, now: datetime | None = None) -> int:
    """Owe each provider its reminders 90 and 30 days before a rating expires; returns how many were
    owed by this call. The reminder row is unique per rating period and lead time, so each is owed
    (and so sent) once, however often or concurrently this runs; the outbox sends it."""
    from reviews.services import notify

    now = now or timezone.now()
    owed = 0
    for days in REMINDER_DAYS:
        shorter = [d for d in REMINDER_DAYS if d < days]
        window_end = now + timedelta(days=max(shorter)) if shorter else now
        due = RatingValidity.objects.filter(
            expired_at__isnull=True, expires_at__gt=window_end, expires_at__lte=now + timedelta(days=days)
        ).exclude(programme__status=ProgrammeStatus.WITHDRAWN)
        for validity in due:
            if ExpiryReminder.objects.filter(
                programme_id=validity.programme_id, valid_from=validity.valid_from, days_before=days
            ).exists():
                continue
            try:
                with transaction.atomic():
                    notification = notify(kind=NotificationKind.EXPIRING, programme_id=validity.programme_id)
                    ExpiryReminder.objects.create(
                        programme_id=validity.programme_id,
                        valid_from=validity.valid_from,
                        days_before=days,
                        expires_at=validity.expires_at,
                        notification=notification,
                    )
            except IntegrityError:
                continue  # a concurrent run owed it first
            owed += 1
    return owed


def expiring_and_expired(*, now: datetime | None = None) -> QuerySet[RatingValidity]:
    """The convenors' queue: ratings expiring within 90 days and those expired, soonest first."""
    now = now or timezone.now()
    return (
        RatingValidity.objects.filter(
            expires_at__lte=now + EXPIRING_WITHIN, programme__status=ProgrammeStatus.PUBLISHED
        )
        .select_related("programme__provider")
        .order_by("expires_at", "programme_id")
    )


def reminder_text(notification: Notification) -> tuple[str, str]:
    reminder = notification.expiry_reminder
    return (
        f"The rating of “{notification.programme.title}” expires in {reminder.days_before} days",
        f"The register's rating of “{notification.programme.title}” is valid until "
        f"{reminder.expires_at:%-d %B %Y}. After that it is shown as expired.\n\n"
        "To be reaccredited, resubmit the programme: its description and evidence are kept for you "
        "to update, and it is reviewed again while the current rating stands.\n\n",
    )


def rereview_text(notification: Notification) -> tuple[str, str]:
    """The provider's e-mail when a convenor orders a re-review."""
    programme = notification.programme
    rereview = programme.rereviews.first()
    reasons: dict[str, str] = {
        ReReviewReason.CONCERN: "after a concern about it was upheld",
        ReReviewReason.CHANGE: "because of the change to what was reviewed that you asked for",
    }
    why = reasons.get(rereview.reason) if rereview else None
    return (
        f"“{programme.title}” will be reviewed again",
        f"A convenor has ordered a re-review of “{programme.title}”{f' {why}' if why else ''}."
        "\n\nIndependent reviewers will be assigned as usual. Its current rating stays on the register, "
        "shown as under re-review, until the new reviews are published and replace it.\n\n",
    )


def reaccreditation_context(programme: Programme) -> dict:
    """What the provider's programme page shows about the rating's validity and resubmission."""
    validity = RatingValidity.objects.filter(programme=programme).first()
    rereview = open_rereview(programme)
    return {
        "validity": validity,
        "rereview": rereview,
        "may_resubmit_now": programme.status == ProgrammeStatus.PUBLISHED and validity is not None and rereview is None,
    }
