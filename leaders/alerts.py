"""Alerts for leaders: find what changed (new programmes matching a saved search; rating changes,
expiries and withdrawals of shortlisted programmes), record each change once per leader, and deliver the
owed ones in one e-mail per leader, straight away or as a weekly digest.

Finding is set-based and idempotent: ``AlertSent`` has a unique constraint per leader, kind,
programme and change, and every insert is ``ON CONFLICT DO NOTHING``. Delivering claims a
leader's owed rows with one conditional update in the transaction that sends the e-mail, so two
runs at once never send a change twice, and a failed send leaves it owed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from leaders.models import AlertFrequency, AlertKind, AlertSent, LeaderAccount, SavedSearch
from programmes.filters import ProgrammeFilter
from programmes.models import Programme
from programmes.selectors import live_bands
from ratings.models import band_name

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "leaders.unsubscribe"
DIGEST_EVERY = timedelta(days=7)
# A search is checked only up to this long ago, so a programme whose publication commits while a
# run is under way is matched on the next run, never skipped.
SNAPSHOT_MARGIN = timedelta(minutes=2)

# A rating change is a row of the rating's history (the engine writes one for every change a reader
# sees) made after the programme was shortlisted, except a programme's first "not yet rated".
RATING_CHANGES = """
INSERT INTO leaders_alertsent (user_id, kind, programme_id, change_key, found_at)
SELECT DISTINCT shortlist.owner_id, %(kind)s, entry.programme_id, 'history:' || history.id, %(now)s
FROM leaders_shortlistentry AS entry
JOIN leaders_shortlist AS shortlist ON shortlist.id = entry.shortlist_id
JOIN leaders_leaderaccount AS account ON account.user_id = shortlist.owner_id
JOIN ratings_ratinghistory AS history
  ON history.programme_id = entry.programme_id AND history.computed_at > entry.added_at
LEFT JOIN LATERAL (
    SELECT earlier.shown_score FROM ratings_ratinghistory AS earlier
    WHERE earlier.programme_id = history.programme_id
      AND (earlier.computed_at, earlier.id) < (history.computed_at, history.id)
    ORDER BY earlier.computed_at DESC, earlier.id DESC LIMIT 1
) AS previous ON true
WHERE (history.shown_score IS NOT NULL OR previous.shown_score IS NOT NULL)
  AND account.alert_frequency <> 'never' AND account.email_verified_at IS NOT NULL
ON CONFLICT (user_id, kind, programme_id, change_key) DO NOTHING
"""

WITHDRAWALS = """
INSERT INTO leaders_alertsent (user_id, kind, programme_id, change_key, found_at)
SELECT DISTINCT shortlist.owner_id, %(kind)s, entry.programme_id, 'withdrawn', %(now)s
FROM leaders_shortlistentry AS entry
JOIN leaders_shortlist AS shortlist ON shortlist.id = entry.shortlist_id
JOIN leaders_leaderaccount AS account ON account.user_id = shortlist.owner_id
JOIN programmes_programme AS programme ON programme.id = entry.programme_id
WHERE programme.status = 'withdrawn' AND account.alert_frequency <> 'never'
  AND account.email_verified_at IS NOT NULL
ON CONFLICT (user_id, kind, programme_id, change_key) DO NOTHING
"""

# A rating's expiry (the accreditation cycle stamps ``expired_at``) after the programme was
# shortlisted; keyed by the period that expired, so a programme reaccredited and expiring again is
# news again, and the same expiry found twice is not.
EXPIRIES = """
INSERT INTO leaders_alertsent (user_id, kind, programme_id, change_key, found_at)
SELECT DISTINCT shortlist.owner_id, %(kind)s, entry.programme_id,
       'expired:' || floor(extract(epoch FROM validity.expires_at))::bigint, %(now)s
FROM leaders_shortlistentry AS entry
JOIN leaders_shortlist AS shortlist ON shortlist.id = entry.shortlist_id
JOIN leaders_leaderaccount AS account ON account.user_id = shortlist.owner_id
JOIN ratings_ratingvalidity AS validity ON validity.programme_id = entry.programme_id
WHERE validity.expired_at IS NOT NULL AND validity.expired_at > entry.added_at
  AND account.alert_frequency <> 'never' AND account.email_verified_at IS NOT NULL
ON CONFLICT (user_id, kind, programme_id, change_key) DO NOTHING
"""


def find_shortlist_changes(*, now: datetime) -> int:
    found = 0
    with connection.cursor() as cursor:
        for query, kind in ((RATING_CHANGES, AlertKind.RATING_CHANGED), (EXPIRIES, AlertKind.EXPIRED),
                            (WITHDRAWALS, AlertKind.WITHDRAWN)):  # fmt: skip
            cursor.execute(query, {"kind": kind, "now": now})
            found += cursor.rowcount
    return found


def find_new_matches(*, now: datetime) -> int:
    """Programmes published since each saved search was last checked that match it.

    Each distinct search goes once through the directory's own FilterSet (the filters the page
    applies, in their SQL form), over only the programmes published since the oldest check: a
    few hundred rows a week, so one small query per distinct search.
    """
    mark = now - SNAPSHOT_MARGIN
    searches = list(
        SavedSearch.objects.filter(checked_until__lt=mark, owner__leader_account__email_verified_at__isnull=False)
        .exclude(owner__leader_account__alert_frequency=AlertFrequency.NEVER)
        .values_list("id", "owner_id", "query", "checked_until")
    )
    if not searches:
        return 0
    since = min(checked for *_, checked in searches)
    new_programmes = Programme.objects.filter(status="published", published_at__gt=since, published_at__lte=mark)
    published = dict(new_programmes.values_list("id", "published_at"))
    by_query: dict[str, list[tuple]] = defaultdict(list)
    for search in searches:
        by_query[search[2]].append(search)
    rows: list[AlertSent] = []
    bands = live_bands()
    for query, group in by_query.items() if published else ():
        filterset = ProgrammeFilter(QueryDict(query), bands=bands)
        matching = set(filterset.filter_queryset(new_programmes).values_list("id", flat=True))
        for search_id, owner_id, _, checked_until in group:
            rows.extend(
                AlertSent(user_id=owner_id, kind=AlertKind.NEW_MATCH, programme_id=programme_id, change_key="new",
                          saved_search_id=search_id, found_at=now)
                for programme_id in matching if published[programme_id] > checked_until
            )  # fmt: skip
    with transaction.atomic():
        created = AlertSent.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
        SavedSearch.objects.filter(pk__in=[search[0] for search in searches]).update(checked_until=mark)
    return len(created)


def unsubscribe_token(user_id: int) -> str:
    return signing.dumps(user_id, salt=UNSUBSCRIBE_SALT)


def unsubscribe_user_id(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        return None


def due_leaders(*, now: datetime) -> list[int]:
    """Leaders owed alerts and due an e-mail: immediate ones now, weekly ones a week after the last."""
    owed = AlertSent.objects.filter(delivered_at__isnull=True).values("user_id")
    accounts = LeaderAccount.objects.filter(user_id__in=owed, email_verified_at__isnull=False)
    immediate = accounts.filter(alert_frequency=AlertFrequency.IMMEDIATE)
    weekly = accounts.filter(alert_frequency=AlertFrequency.WEEKLY).filter(
        Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - DIGEST_EVERY)
    )
    return list(immediate.values_list("user_id", flat=True)) + list(weekly.values_list("user_id", flat=True))


LINES = {
    AlertKind.NEW_MATCH: "New on the register, matching your search “{search}”: {title} ({provider})",
    AlertKind.RATING_CHANGED: "Rating changed on your shortlist: {title} is now {band}",
    AlertKind.EXPIRED: "Rating expired on your shortlist: {title} ({provider}) has not been reaccredited in time, "
    "so its rating no longer applies",
    AlertKind.WITHDRAWN: "Withdrawn from the register: {title} ({provider}) is no longer offered",
}


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def compose(user, alerts: list[dict]) -> EmailMessage:
    lines = []
    for alert in alerts:
        lines.append(LINES[alert["kind"]].format(**alert))
        lines.append("  " + _site(reverse("programmes:detail", kwargs={"slug": alert["slug"]})))
    unsubscribe = _site(reverse("leaders:unsubscribe", kwargs={"token": unsubscribe_token(user.pk)}))
    body = (
        "Here is what has changed on the LPD/CPD Quality Register since we last wrote:\n\n"
        + "\n".join(lines)
        + f"\n\nYour shortlists and searches: {_site(reverse('leaders:account'))}\n"
        f"Stop these e-mails: {unsubscribe}\n"
    )
    count = len(alerts)
    return EmailMessage(
        subject=f"{count} change{'s' * (count != 1)} on the LPD/CPD Quality Register",
        body=body,
        to=[user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


CLAIM = """
UPDATE leaders_alertsent SET delivered_at = %(now)s
WHERE user_id = %(user)s AND delivered_at IS NULL
RETURNING kind, programme_id, saved_search_id
"""


def deliver_to(*, user_id: int, now: datetime) -> int:
    """Send one leader everything owed to them in one e-mail; returns how many alerts it held."""
    from django.contrib.auth.models import User

    user = User.objects.get(pk=user_id)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(CLAIM, {"now": now, "user": user_id})
            claimed = cursor.fetchall()
        if not claimed:
            return 0
        programmes = Programme.objects.select_related("provider", "rating").in_bulk([row[1] for row in claimed])
        searches = dict(
            SavedSearch.objects.filter(pk__in=[row[2] for row in claimed if row[2]]).values_list("id", "name")
        )
        alerts = []
        for kind, programme_id, search_id in sorted(claimed):
            programme = programmes[programme_id]
            rating = getattr(programme, "rating", None)
            band = band_name(rating.band if rating else None)
            alerts.append({"kind": kind, "title": programme.title, "slug": programme.slug,
                           "provider": programme.provider.name, "search": searches.get(search_id, ""),
                           "band": band if rating and rating.band_rank else band.lower()})  # fmt: skip
        compose(user, alerts).send()
        LeaderAccount.objects.filter(user_id=user_id).update(last_digest_at=now)
    return len(claimed)


def send_leader_alerts(*, now: datetime | None = None) -> int:
    """Find every change, then deliver to every leader who is due; returns alerts delivered."""
    now = now or timezone.now()
    find_shortlist_changes(now=now)
    find_new_matches(now=now)
    delivered = 0
    for user_id in due_leaders(now=now):
        try:
            delivered += deliver_to(user_id=user_id, now=now)
        except Exception:  # one bad address must not stop everyone's digest; it stays owed
            logger.exception("Could not send alerts to user %s; they stay owed", user_id)
    return delivered
