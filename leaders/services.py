"""Writes for leaders: signing up and verifying an e-mail address, and shortlists."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from leaders import policies
from leaders.models import LeaderAccount, SavedSearch, Shortlist, ShortlistEntry
from programmes.models import Programme
from programmes.vocabulary import ProgrammeStatus
from qaportal.errors import NotPermitted, ValidationFailed
from qaportal.text import PlainTextValidator

VERIFY_SALT = "leaders.verify-email"
VERIFY_DAYS = 3
MAX_SHORTLISTS = 50
MAX_ENTRIES = 200


@transaction.atomic
def leader_sign_up(*, email: str, password: str, school_name: str = "") -> User:
    """An inactive account until the leader follows the link sent to their address."""
    email = email.strip().lower()
    if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
        raise ValidationFailed({"email": ["An account already uses this e-mail address. Sign in instead"]})
    user = User.objects.create_user(username=email, email=email, password=password, is_active=False)
    LeaderAccount.objects.create(user=user, school_name=school_name.strip())
    transaction.on_commit(lambda: send_verification(user))
    return user


def verification_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFY_SALT)


def send_verification(user: User) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("leaders:verify", kwargs={"token": verification_token(user)})
    send_mail(
        "Confirm your e-mail address for the LPD/CPD Quality Register",
        f"Follow this link within {VERIFY_DAYS} days to confirm your address and start using your account:\n\n"
        f"{link}\n\nIf you did not sign up, ignore this e-mail: no account is active without it.\n",
        None,
        [user.email],
    )


def leader_verify_email(*, token: str) -> User:
    """Activate the account the token was made for (once; later uses just sign the leader in)."""
    try:
        claims = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_DAYS * 24 * 3600)
    except signing.SignatureExpired as expired:
        raise ValidationFailed("This link has expired. Sign up again to get a new one.") from expired
    except signing.BadSignature as bad:
        raise ValidationFailed("This link is not valid. Check you copied all of it.") from bad
    user = User.objects.filter(pk=claims["user"], email=claims["email"]).select_related("leader_account").first()
    if user is None or not hasattr(user, "leader_account"):
        raise ValidationFailed("This link is not valid. Check you copied all of it.")
    with transaction.atomic():
        LeaderAccount.objects.filter(user=user, email_verified_at__isnull=True).update(email_verified_at=timezone.now())
        User.objects.filter(pk=user.pk).update(is_active=True)
    user.refresh_from_db()
    return user


def _guard(by, shortlist: Shortlist | None = None) -> None:
    if not policies.is_leader(by) or (shortlist is not None and shortlist.owner_id != by.pk):
        raise NotPermitted("Shortlists belong to the school leader who made them.")


def _refuse_control_characters(field: str, label: str, value: str, *, multiline: bool = False) -> None:
    """The text rule (qaportal.text) for what the leaders' pages send without a form."""
    try:
        PlainTextValidator(label, multiline=multiline)(value)
    except DjangoValidationError as error:
        raise ValidationFailed({field: error.messages}) from error


def shortlist_create(*, by, name: str) -> Shortlist:
    _guard(by)
    _refuse_control_characters("name", "The shortlist's name", name)
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": ["Enter a name for the shortlist, such as ‘Maths leads 2026’"]})
    if Shortlist.objects.filter(owner=by).count() >= MAX_SHORTLISTS:
        raise ValidationFailed({"name": [f"You can keep up to {MAX_SHORTLISTS} shortlists; delete one first"]})
    try:
        with transaction.atomic():
            return Shortlist.objects.create(owner=by, name=name)
    except IntegrityError as taken:
        raise ValidationFailed({"name": [f"You already have a shortlist called ‘{name}’"]}) from taken


def shortlist_add(*, by, shortlist: Shortlist, programme: Programme, note: str = "") -> ShortlistEntry:
    """Add a published programme (again: only the note changes)."""
    _guard(by, shortlist)
    if programme.status != ProgrammeStatus.PUBLISHED:
        raise ValidationFailed({"programme": ["Only programmes on the register can be shortlisted"]})
    _refuse_control_characters("note", "Your note", note, multiline=True)
    if len(note) > 2000:
        raise ValidationFailed({"note": ["Your note must be 2,000 characters or fewer"]})
    if shortlist.entries.count() >= MAX_ENTRIES and not shortlist.entries.filter(programme=programme).exists():
        raise ValidationFailed({"programme": [f"A shortlist holds up to {MAX_ENTRIES} programmes"]})
    entry, created = ShortlistEntry.objects.get_or_create(
        shortlist=shortlist, programme=programme, defaults={"note": note.strip()}
    )
    if not created and note.strip():
        entry.note = note.strip()
        entry.save(update_fields=["note"])
    Shortlist.objects.filter(pk=shortlist.pk).update(updated_at=timezone.now())
    return entry


def shortlist_note_update(*, by, entry: ShortlistEntry, note: str) -> ShortlistEntry:
    _guard(by, entry.shortlist)
    _refuse_control_characters("note", "Your note", note, multiline=True)
    if len(note) > 2000:
        raise ValidationFailed({"note": ["Your note must be 2,000 characters or fewer"]})
    entry.note = note.strip()
    entry.save(update_fields=["note"])
    return entry


def shortlist_remove(*, by, entry: ShortlistEntry) -> None:
    _guard(by, entry.shortlist)
    entry.delete()


def shortlist_delete(*, by, shortlist: Shortlist) -> None:
    _guard(by, shortlist)
    shortlist.delete()


# --- Saved searches and alerts ----------------------------------------------------------------

MAX_SAVED_SEARCHES = 20
IGNORED_PARAMETERS = {"page", "per_page"}


def directory_query(address: str) -> str:
    """The directory query string in a pasted address (or a bare query string), normalised: sorted,
    without paging, so the same search saved twice is the same."""
    from urllib.parse import parse_qsl, urlencode, urlsplit

    address = address.strip()
    parts = urlsplit(address) if "://" in address or address.startswith("/") else None
    if parts is not None and parts.path.rstrip("/") not in {"/programmes", ""}:
        raise ValidationFailed({"url": ["Paste the address of a directory search: it starts with /programmes/"]})
    query = parts.query if parts is not None else address.lstrip("?")
    pairs = sorted((k, v) for k, v in parse_qsl(query) if k not in IGNORED_PARAMETERS and v)
    return urlencode(pairs)


def saved_search_create(*, by, name: str, query: str) -> SavedSearch:
    _guard(by)
    _refuse_control_characters("name", "The search's name", name)
    name = name.strip() or "My search"
    if SavedSearch.objects.filter(owner=by).count() >= MAX_SAVED_SEARCHES:
        raise ValidationFailed({"name": [f"You can keep up to {MAX_SAVED_SEARCHES} searches; delete one first"]})
    search, _ = SavedSearch.objects.get_or_create(
        owner=by, query=query, defaults={"name": name[:120], "checked_until": timezone.now()}
    )
    return search


def saved_search_delete(*, by, search) -> None:
    if search.owner_id != by.pk:
        raise NotPermitted("Saved searches belong to the leader who saved them.")
    search.delete()


def alert_frequency_set(*, user, frequency: str) -> None:
    LeaderAccount.objects.filter(user=user).update(alert_frequency=frequency)
