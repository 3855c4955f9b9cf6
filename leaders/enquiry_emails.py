"""The e-mails enquiries send: to a provider's editors when an enquiry or the leader's reply
arrives, and to the leader when a provider replies. Every reply goes through the register: no
e-mail carries the other side's address, and the leader's address reaches a provider only on the
thread's page, once the leader has shared it."""

from __future__ import annotations

from leaders.models import EnquiryEmail, EnquiryEmailKind, EnquiryThread
from leaders.selectors import leader_label
from qaportal.mail import send_to, site_link


def _editor_addresses(thread: EnquiryThread) -> list[str]:
    editors = thread.provider.editors.filter(is_active=True).exclude(email="")
    return sorted(editors.values_list("email", flat=True))


def enquiry_text(thread: EnquiryThread) -> str:
    enquiry = thread.enquiry
    programmes = ", ".join(programme.title for programme in thread.programmes.all())
    return (
        f"From: {leader_label(thread)}\n"
        f"Phase: {enquiry.get_phase_display()}\nNumber of staff: {enquiry.staff_count}\n"
        f"Dates: from {enquiry.starts_on:%-d %B %Y} to {enquiry.ends_on:%-d %B %Y}\n"
        + (f"About: {programmes}\n" if programmes else "")
        + f"\n{enquiry.need}\n"
    )


def compose(owed: EnquiryEmail) -> tuple[str, str, list[str]]:
    """Subject, body and recipients of one owed e-mail."""
    thread = owed.thread
    subject = thread.enquiry.subject
    inbox_link = site_link("enquiries-provider:thread", thread_id=thread.id)
    if owed.kind == EnquiryEmailKind.NEW_ENQUIRY:
        return (
            f"An enquiry from a school leader: {subject}",
            f"A school leader has sent {thread.provider.name} an enquiry through the LPD/CPD Quality Register.\n\n"
            f"{enquiry_text(thread)}\nRead it and reply on the register (replying to this e-mail does not reach "
            f"them):\n\n{inbox_link}\n",
            _editor_addresses(thread),
        )
    message = owed.message
    if message is None:  # enquiry_reply owes every reply's e-mail with its message
        raise ValueError(f"Enquiry e-mail {owed.id} ({owed.kind}) has no message to send")
    if owed.kind == EnquiryEmailKind.PROVIDER_REPLY:
        return (
            f"{thread.provider.name} replied to your enquiry: {subject}",
            f"{thread.provider.name} replied to your enquiry:\n\n{message.body}\n\n"
            f"Read the conversation and reply on the register:\n\n"
            f"{site_link('leaders:enquiry', enquiry_id=thread.enquiry_id)}\n",
            [thread.enquiry.leader.email],
        )
    return (
        f"The school leader replied about: {subject}",
        f"{leader_label(thread)} replied about their enquiry:\n\n{message.body}\n\n"
        f"Read the conversation and reply on the register:\n\n{inbox_link}\n",
        _editor_addresses(thread),
    )


def deliver(owed: EnquiryEmail) -> list[str]:
    return send_to(*compose(owed))
