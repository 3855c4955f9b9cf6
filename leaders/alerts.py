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
from datetime import UTC, datetime, timedelta

import numpy as np
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from leaders.matching import programmes_matching
from leaders.models import AlertFrequency, AlertKind, AlertSent, LeaderAccount, SavedSearch
from programmes.models import Programme
from qaportal.mail import site_url
from ratings.models import band_name

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "leaders.unsubscribe"
DIGEST_EVERY = timedelta(days=7)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
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


# The new matches, passed as three parallel arrays: one statement per few thousand rows rather
# than a model instance and a row of parameters each. Rows go in in saved-search order, so a
# programme two of a leader's searches match is news once, under the first search.
NEW_MATCHES = """
INSERT INTO leaders_alertsent (user_id, kind, programme_id, change_key, saved_search_id, found_at)
SELECT matched.user_id, %(kind)s, matched.programme_id, 'new', matched.search_id, %(now)s
FROM unnest(%(users)s::integer[], %(programmes)s::bigint[], %(searches)s::bigint[]) WITH ORDINALITY
     AS matched(user_id, programme_id, search_id, position)
ORDER BY matched.position
ON CONFLICT (user_id, kind, programme_id, change_key) DO NOTHING
"""
NEW_MATCHES_PER_STATEMENT = 50_000


def find_new_matches(*, now: datetime) -> int:
    """Programmes published since each saved search was last checked that match it.

    All the distinct searches are matched at once against the programmes published since the
    oldest check, in memory (``leaders.matching``); then each search keeps those published after
    its own check. A few queries, and one per distinct search text at most.
    """
    mark = now - SNAPSHOT_MARGIN
    searches = list(
        SavedSearch.objects.filter(checked_until__lt=mark, owner__leader_account__email_verified_at__isnull=False)
        .exclude(owner__leader_account__alert_frequency=AlertFrequency.NEVER)
        .order_by("id")
        .values_list("id", "owner_id", "query", "checked_until")
    )
    if not searches:
        return 0
    since = min(checked for *_, checked in searches)
    new_programmes = Programme.objects.filter(status="published", published_at__gt=since, published_at__lte=mark)
    published = {pk: at for pk, at in new_programmes.values_list("id", "published_at") if at is not None}
    matches = programmes_matching({search[2] for search in searches}, list(published)) if published else {}
    rows = new_match_rows(searches, matches, published)
    with transaction.atomic():
        created = _insert_new_matches(rows, now=now)
        SavedSearch.objects.filter(pk__in=[search[0] for search in searches]).update(checked_until=mark)
    return created


def _microseconds(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def new_match_rows(
    searches: list[tuple], matches: dict[str, np.ndarray], published: dict[int, datetime]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(leaders, programmes, searches) of every match published after its search's own check, in
    the searches' order."""
    ids = np.array(sorted(published), dtype=np.int64)
    published_at = np.array([_microseconds(published[pk]) for pk in ids.tolist()], dtype=np.int64)
    users, programmes, search_ids = [], [], []
    for search_id, owner_id, query, checked_until in searches:
        matched = matches.get(query)
        if matched is None or not len(matched):
            continue
        matched = matched[published_at[np.searchsorted(ids, matched)] > _microseconds(checked_until)]
        programmes.append(matched)
        users.append(np.full(len(matched), owner_id, dtype=np.int64))
        search_ids.append(np.full(len(matched), search_id, dtype=np.int64))
    if not programmes:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(users), np.concatenate(programmes), np.concatenate(search_ids)


def _insert_new_matches(rows: tuple[np.ndarray, np.ndarray, np.ndarray], *, now: datetime) -> int:
    created = 0
    users, programmes, searches = rows
    with connection.cursor() as cursor:
        for start in range(0, len(users), NEW_MATCHES_PER_STATEMENT):
            part = slice(start, start + NEW_MATCHES_PER_STATEMENT)
            arrays = {"users": users[part].tolist(), "programmes": programmes[part].tolist(),
                      "searches": searches[part].tolist()}  # fmt: skip
            cursor.execute(NEW_MATCHES, {"kind": AlertKind.NEW_MATCH, "now": now, **arrays})
            created += cursor.rowcount
    return created


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


def compose(user, alerts: list[dict]) -> EmailMessage:
    lines = []
    for alert in alerts:
        lines.append(LINES[alert["kind"]].format(**alert))
        lines.append("  " + site_url(reverse("programmes:detail", kwargs={"slug": alert["slug"]})))
    unsubscribe = site_url(reverse("leaders:unsubscribe", kwargs={"token": unsubscribe_token(user.pk)}))
    body = (
        "Here is what has changed on the LPD/CPD Quality Register since we last wrote:\n\n"
        + "\n".join(lines)
        + f"\n\nYour shortlists and searches: {site_url(reverse('leaders:account'))}\n"
        f"Stop these e-mails: {unsubscribe}\n"
    )
    count = len(alerts)
    return EmailMessage(
        subject=f"{count} change{'s' * (count != 1)} on the LPD/CPD Quality Register",
        body=body,
        to=[user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


# Claims the owed alerts of a batch of leaders, locking the rows in id order so that two runs at
# once never deadlock: the second waits, then finds them delivered and claims nothing.
CLAIM = """
UPDATE leaders_alertsent SET delivered_at = %(now)s
WHERE id IN (
    SELECT id FROM leaders_alertsent WHERE user_id = ANY(%(users)s) AND delivered_at IS NULL
    ORDER BY id FOR UPDATE
) AND delivered_at IS NULL
RETURNING id, user_id, kind, programme_id, saved_search_id
"""
UNCLAIM = "UPDATE leaders_alertsent SET delivered_at = NULL WHERE id = ANY(%(ids)s)"
DELIVERY_BATCH = 500


def deliver_to(*, user_id: int, now: datetime) -> int:
    """Send one leader everything owed to them in one e-mail; returns how many alerts it held."""
    return deliver_batch(user_ids=[user_id], now=now)


def deliver_batch(*, user_ids: list[int], now: datetime) -> int:
    """Send each of these leaders everything owed to them, one e-mail each; returns the alerts sent.

    One transaction claims the batch's owed alerts (one statement), reads their programmes and
    search names (two queries) and sends the e-mails over one mail connection. A leader whose
    e-mail fails has their alerts handed back before the commit, so they stay owed; the others'
    claims commit with the time of their digest.
    """
    from django.contrib.auth.models import User

    users = User.objects.in_bulk(user_ids)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(CLAIM, {"now": now, "users": list(users)})
            claimed = cursor.fetchall()
        if not claimed:
            return 0
        by_user: dict[int, list[tuple]] = defaultdict(list)
        for alert_id, user_id, *alert in claimed:
            by_user[user_id].append((*alert, alert_id))
        alerts = _alerts_read(claimed)
        sent, failed = _send_each(users, by_user, alerts)
        if failed:
            with connection.cursor() as cursor:
                cursor.execute(UNCLAIM, {"ids": failed})
        LeaderAccount.objects.filter(user_id__in=sent).update(last_digest_at=now)
    return len(claimed) - len(failed)


def _alerts_read(claimed: list[tuple]) -> dict[tuple, dict]:
    """(kind, programme, search) → what a digest line shows, for every claimed alert (two queries)."""
    programmes = Programme.objects.select_related("provider", "rating").in_bulk({row[3] for row in claimed})
    search_ids = {row[4] for row in claimed if row[4]}
    searches = dict(SavedSearch.objects.filter(pk__in=search_ids).values_list("id", "name")) if search_ids else {}
    alerts = {}
    for _, _, kind, programme_id, search_id in claimed:
        programme = programmes[programme_id]
        rating = getattr(programme, "rating", None)
        band = band_name(rating.band if rating else None)
        alerts[kind, programme_id, search_id] = {"kind": kind, "title": programme.title, "slug": programme.slug,
            "provider": programme.provider.name, "search": searches.get(search_id, ""),
            "band": band if rating and rating.band_rank else band.lower()}  # fmt: skip
    return alerts


def _send_each(users: dict, by_user: dict[int, list[tuple]], alerts: dict[tuple, dict]) -> tuple[list[int], list[int]]:
    """Send each leader's e-mail; returns the leaders sent to and the alert ids of those not sent."""
    sent: list[int] = []
    failed: list[int] = []
    with get_connection() as mail:
        for user_id, owed in by_user.items():
            try:
                message = compose(users[user_id], [alerts[alert[:3]] for alert in sorted(owed)])
                message.connection = mail
                message.send()
                sent.append(user_id)
            except Exception:  # one bad address must not stop everyone's digest; it stays owed
                logger.exception("Could not send alerts to user %s; they stay owed", user_id)
                failed.extend(alert[3] for alert in owed)
    return sent, failed


def deliver_all(*, user_ids: list[int], now: datetime) -> int:
    """Deliver to these leaders, ``DELIVERY_BATCH`` at a time; returns the alerts delivered."""
    delivered = 0
    for start in range(0, len(user_ids), DELIVERY_BATCH):
        try:
            delivered += deliver_batch(user_ids=user_ids[start : start + DELIVERY_BATCH], now=now)
        except Exception:  # a batch that cannot be read or claimed stays owed; the next batches go on
            logger.exception("Could not deliver alerts to a batch of leaders; they stay owed")
    return delivered


def send_leader_alerts(*, now: datetime | None = None) -> int:
    """Find every change, then deliver to every leader who is due; returns alerts delivered."""
    now = now or timezone.now()
    find_shortlist_changes(now=now)
    find_new_matches(now=now)
    return deliver_all(user_ids=due_leaders(now=now), now=now)
