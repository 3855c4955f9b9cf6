"""Writes for leaders: signing up and verifying an e-mail address, shortlists, saved searches, and
enquiries to providers (with their replies, sent through the register)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from leaders import policies, selectors
from leaders.models import (
    Enquiry,
    EnquiryEmail,
    EnquiryEmailKind,
    EnquiryEvent,
    EnquiryEventKind,
    EnquiryMessage,
    EnquiryThread,
    LeaderAccount,
    SavedSearch,
    Shortlist,
    ShortlistEntry,
)
from programmes.models import Programme
from programmes.vocabulary import ProgrammeStatus
from providers.vocabulary import Phase
from qaportal import outbox
from qaportal.errors import NotPermitted, ValidationFailed
from qaportal.mail import site_link
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
    link = site_link("leaders:verify", token=verification_token(user))
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


def _guard(by: User, shortlist: Shortlist | None = None) -> None:
    if not policies.is_leader(by) or (shortlist is not None and shortlist.owner_id != by.pk):
        raise NotPermitted("Shortlists belong to the school leader who made them.")


def _refuse_control_characters(field: str, label: str, value: str, *, multiline: bool = False) -> None:
    """The text rule (qaportal.text) for what the leaders' pages send without a form."""
    try:
        PlainTextValidator(label, multiline=multiline)(value)
    except DjangoValidationError as error:
        raise ValidationFailed({field: error.messages}) from error


def shortlist_create(*, by: User, name: str) -> Shortlist:
    _guard(by)
    _refuse_control_characters("name", "The shortlist's name", name)
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": ["Enter a name for the shortlist, such as ‘Maths leads 2026’"]})
    # The shortlist button on a programme sends its new name without the form's length check.
    limit = Shortlist._meta.get_field("name").max_length or 0
    if len(name) > limit:
        raise ValidationFailed(
            {"name": [f"The shortlist's name must be {limit} characters or fewer (it has {len(name)})"]}
        )
    if Shortlist.objects.filter(owner=by).count() >= MAX_SHORTLISTS:
        raise ValidationFailed({"name": [f"You can keep up to {MAX_SHORTLISTS} shortlists; delete one first"]})
    try:
        with transaction.atomic():
            return Shortlist.objects.create(owner=by, name=name)
    except IntegrityError as taken:
        raise ValidationFailed({"name": [f"You already have a shortlist called ‘{name}’"]}) from taken


def shortlist_add(*, by: User, shortlist: Shortlist, programme: Programme, note: str = "") -> ShortlistEntry:
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


def shortlist_note_update(*, by: User, entry: ShortlistEntry, note: str) -> ShortlistEntry:
    _guard(by, entry.shortlist)
    _refuse_control_characters("note", "Your note", note, multiline=True)
    if len(note) > 2000:
        raise ValidationFailed({"note": ["Your note must be 2,000 characters or fewer"]})
    entry.note = note.strip()
    entry.save(update_fields=["note"])
    return entry


def shortlist_remove(*, by: User, entry: ShortlistEntry) -> None:
    _guard(by, entry.shortlist)
    entry.delete()


def shortlist_delete(*, by: User, shortlist: Shortlist) -> None:
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


def saved_search_create(*, by: User, name: str, query: str) -> SavedSearch:
    _guard(by)
    _refuse_control_characters("name", "The search's name", name)
    name = name.strip() or "My search"
    if SavedSearch.objects.filter(owner=by).count() >= MAX_SAVED_SEARCHES:
        raise ValidationFailed({"name": [f"You can keep up to {MAX_SAVED_SEARCHES} searches; delete one first"]})
    search, _ = SavedSearch.objects.get_or_create(
        owner=by, query=query, defaults={"name": name[:120], "checked_until": timezone.now()}
    )
    return search


def saved_search_delete(*, by: User, search: SavedSearch) -> None:
    if search.owner_id != by.pk:
        raise NotPermitted("Saved searches belong to the leader who saved them.")
    search.delete()


def alert_frequency_set(*, user: User, frequency: str) -> None:
    LeaderAccount.objects.filter(user=user).update(alert_frequency=frequency)


# --- Enquiries --------------------------------------------------------------------------------

MAX_PROVIDERS_PER_ENQUIRY = 5
# A leader sends at most this many enquiries in any 24 hours: enough to commission, too few to spam.
ENQUIRIES_PER_DAY = 5
MAX_STAFF = 10_000
STAFF_RULE = f"Enter the number of staff as a whole number from 1 to {MAX_STAFF:,}"
MAX_NEED = 2000
MAX_MESSAGE = 4000


@dataclass(frozen=True)
class EnquiryRequest:
    need: str
    phase: str
    staff_count: int | None
    starts_on: date | None
    ends_on: date | None
    providers: list[int]


def _enquiry_errors(request: EnquiryRequest, *, offered: set[int], today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not request.need.strip():
        errors["need"] = ["Enter what you need, such as the focus and who it is for"]
    elif len(request.need) > MAX_NEED:
        errors["need"] = [f"What you need must be {MAX_NEED:,} characters or fewer"]
    if request.phase not in Phase.values:
        errors["phase"] = ["Choose the phase your staff teach in"]
    if request.staff_count is None or not 1 <= request.staff_count <= MAX_STAFF:
        errors["staff_count"] = [STAFF_RULE]
    if request.starts_on is None:
        errors["starts_on"] = ["Enter the earliest start as day/month/year, like 01/09/2026"]
    elif request.starts_on < today:
        errors["starts_on"] = ["The earliest start must be today or in the future"]
    if request.ends_on is None:
        errors["ends_on"] = ["Enter the latest finish as day/month/year, like 31/07/2027"]
    elif request.starts_on is not None and request.ends_on < request.starts_on:
        errors["ends_on"] = ["The latest finish must be the same as or after the earliest start"]
    chosen = set(request.providers)
    if not chosen:
        errors["providers"] = ["Choose at least one provider to send the enquiry to"]
    elif len(chosen) > MAX_PROVIDERS_PER_ENQUIRY:
        errors["providers"] = [
            f"Choose up to {MAX_PROVIDERS_PER_ENQUIRY} providers: you chose {len(chosen)}. "
            "Send another enquiry for the rest"
        ]
    elif not chosen <= offered:
        errors["providers"] = ["Choose providers from the list: the enquiry can go only to those"]
    return errors


def _rate_limit(leader: User, now: datetime) -> None:
    """Refuse the enquiry if the leader has sent their day's share; the caller holds the leader's
    account row locked, so two enquiries sent at once are counted one after the other."""
    recent = list(
        Enquiry.objects.filter(leader=leader, created_at__gt=now - timedelta(days=1))
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    if len(recent) >= ENQUIRIES_PER_DAY:
        again = timezone.localtime(recent[0] + timedelta(days=1))
        raise ValidationFailed(
            f"You can send up to {ENQUIRIES_PER_DAY} enquiries in 24 hours, and you have sent {len(recent)}. "
            f"You can send another after {again:%-H:%M on %-d %B}."
        )


def enquiry_send(
    *, by: User, request: EnquiryRequest, shortlist_id: int | None = None, programme_id: int | None = None
) -> Enquiry:
    """Send one enquiry to each chosen provider: a thread each, an e-mail owed to each provider's
    editors (sent by the worker after commit), and an audit event."""
    if not policies.is_leader(by):
        raise NotPermitted("Enquiries are sent from a school leader's account.")
    if shortlist_id is None and programme_id is None:
        raise ValidationFailed(
            {"shortlist": ["Send the enquiry from one of your shortlists or a programme: it goes to their providers"]}
        )
    choices = {choice.provider.id: choice for choice in
               selectors.enquiry_choices(by, shortlist_id=shortlist_id, programme_id=programme_id)}  # fmt: skip
    errors = _enquiry_errors(request, offered=set(choices), today=timezone.localdate())
    if errors:
        raise ValidationFailed(errors)
    staff_count, starts_on, ends_on = request.staff_count, request.starts_on, request.ends_on
    if staff_count is None or starts_on is None or ends_on is None:
        raise AssertionError("_enquiry_errors refuses an enquiry without staff or dates")
    with transaction.atomic():
        LeaderAccount.objects.select_for_update().get(user=by)
        _rate_limit(by, timezone.now())
        enquiry = Enquiry.objects.create(
            leader=by, need=request.need.strip(), phase=request.phase, staff_count=staff_count,
            starts_on=starts_on, ends_on=ends_on, shortlist_id=shortlist_id,
            programme_id=programme_id,
        )  # fmt: skip
        for provider_id in sorted(set(request.providers)):
            thread = EnquiryThread.objects.create(
                enquiry=enquiry, provider_id=provider_id, last_message_at=enquiry.created_at
            )
            thread.programmes.set(choices[provider_id].programmes)
            EnquiryEvent.objects.create(thread=thread, actor=by, kind=EnquiryEventKind.SENT)
            _owe_email(thread=thread, kind=EnquiryEmailKind.NEW_ENQUIRY)
    return enquiry


def enquiry_reply(*, by: User, thread: EnquiryThread, body: str) -> EnquiryMessage:
    """A message in a thread, from one of the provider's editors or from the leader; the other side
    is e-mailed (through the register: neither side's address is in it)."""
    from_provider = policies.replies_as_provider(by, thread)
    if not from_provider and not policies.owns_thread(by, thread):
        raise NotPermitted("Only the leader who sent the enquiry and the provider's editors write in it.")
    body = body.strip()
    if not body:
        raise ValidationFailed({"body": ["Enter your reply"]})
    if len(body) > MAX_MESSAGE:
        raise ValidationFailed({"body": [f"Your reply must be {MAX_MESSAGE:,} characters or fewer"]})
    with transaction.atomic():
        message = EnquiryMessage.objects.create(thread=thread, author=by, from_provider=from_provider, body=body)
        changes = {"last_message_at": message.created_at}
        if from_provider:
            changes.update(provider_replied_at=message.created_at, provider_read_at=message.created_at)
        EnquiryThread.objects.filter(pk=thread.pk).update(**changes)
        EnquiryEvent.objects.create(thread=thread, actor=by, kind=EnquiryEventKind.REPLIED)
        kind = EnquiryEmailKind.PROVIDER_REPLY if from_provider else EnquiryEmailKind.LEADER_REPLY
        _owe_email(thread=thread, kind=kind, message=message)
    return message


def enquiry_share_email(*, by: User, thread: EnquiryThread) -> EnquiryThread:
    """The leader shows their e-mail address to this thread's provider (once; again is a no-op)."""
    if not policies.owns_thread(by, thread):
        raise NotPermitted("Only the leader who sent the enquiry can share their address.")
    with transaction.atomic():
        shared = EnquiryThread.objects.filter(pk=thread.pk, email_shared_at__isnull=True).update(
            email_shared_at=timezone.now()
        )
        if shared:
            EnquiryEvent.objects.create(thread=thread, actor=by, kind=EnquiryEventKind.EMAIL_SHARED)
    thread.refresh_from_db()
    return thread


def enquiry_mark_read(*, by: User, thread: EnquiryThread) -> None:
    """The provider's editors have opened the thread: it is no longer unread for them."""
    if policies.replies_as_provider(by, thread):
        EnquiryThread.objects.filter(pk=thread.pk).update(provider_read_at=timezone.now())


def _owe_email(*, thread: EnquiryThread, kind: str, message: EnquiryMessage | None = None) -> EnquiryEmail:
    owed = EnquiryEmail.objects.create(thread=thread, kind=kind, message=message)
    outbox.publish_on_commit("leaders.tasks.send_enquiry_email", owed.id, what=f"enquiry e-mail {owed.id}")
    return owed


def enquiry_email_send(*, email_id: int) -> bool:
    """Send one owed enquiry e-mail unless it has gone or another worker is sending it (the claim
    of ``qaportal.outbox``); True if this call sent it."""
    from leaders.enquiry_emails import deliver

    if not outbox.claim_unsent(EnquiryEmail.objects, email_id):
        return False
    owed = EnquiryEmail.objects.select_related(
        "thread__enquiry__leader__leader_account", "thread__provider", "message"
    ).get(pk=email_id)
    try:
        recipients = deliver(owed)
    except Exception:
        EnquiryEmail.objects.filter(pk=email_id).update(claimed_until=None)  # un-claim, so the retry sends it
        raise
    EnquiryEmail.objects.filter(pk=email_id).update(
        sent_at=timezone.now(), claimed_until=None, recipients="\n".join(recipients)
    )
    return True


def enquiry_emails_send_owed(*, limit: int = 500) -> int:
    """The sweep: enquiry e-mails whose task message was lost or whose worker died still go, once."""
    return sum(enquiry_email_send(email_id=email_id) for email_id in outbox.owed_ids(EnquiryEmail.objects, limit=limit))
