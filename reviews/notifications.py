"""The e-mails the workflow sends: who receives each kind, and what it says.

Reviewer identities never reach providers: the publication e-mail names no reviewer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import User

from qaportal.mail import send_to, site_link
from qaportal.roles import Role
from reviews.models import Notification, NotificationKind, Review

if TYPE_CHECKING:
    from programmes.models import Programme


def _convenor_addresses() -> list[str]:
    convenors = User.objects.filter(groups__name=Role.CONVENOR, is_active=True).exclude(email="")
    return list(convenors.values_list("email", flat=True))


def _editor_addresses(notification: Notification) -> list[str]:
    editors = notification.programme.provider.editors.filter(is_active=True).exclude(email="")
    return list(editors.values_list("email", flat=True))


def compose(notification: Notification) -> tuple[str, str, list[str]]:
    """Subject, body and recipients of one notification."""
    if notification.kind in REVIEW_KINDS:
        if notification.review is None:
            raise ValueError(f"A {notification.kind} notification names no review")
        return _about_a_review(notification.kind, notification.programme, notification.review)
    return _about_a_programme(notification)


# The kinds that are about one review, sent to its reviewer or, for a conflict, to the convenors.
REVIEW_KINDS = frozenset({NotificationKind.ASSIGNED, NotificationKind.RETURNED, NotificationKind.CONFLICT})


def _about_a_review(kind: str, programme: Programme, review: Review) -> tuple[str, str, list[str]]:
    if kind == NotificationKind.ASSIGNED:
        return (
            f"Please review “{programme.title}”",
            f"You have been assigned to review “{programme.title}”.\n\n"
            f"If you have a conflict of interest, declare it on the review page.\n\n"
            f"{site_link('reviewer:review', review_id=review.id)}\n",
            [review.reviewer.email],
        )
    if kind == NotificationKind.RETURNED:
        return (
            f"Your review of “{programme.title}” has been returned",
            f"The convenor has returned your review with this comment:\n\n{review.return_comment}\n\n"
            f"Please make the changes and submit it again.\n\n{site_link('reviewer:review', review_id=review.id)}\n",
            [review.reviewer.email],
        )
    return (
        f"Conflict of interest declared on “{programme.title}”",
        f"{review.reviewer.username} has declared a conflict of interest and released their assignment:\n\n"
        f"{review.conflict_note}\n\nPlease assign another reviewer.\n\n"
        f"{site_link('convenor:programme', slug=programme.slug)}\n",
        _convenor_addresses(),
    )


# What the provider's editors are told of each kind about their programme, before the link; the
# published one names no reviewer.
PROGRAMME_TEXTS: dict[str, tuple[str, str]] = {
    NotificationKind.CONCERN_QUESTION: (
        "A question about a concern raised about “{title}”",
        "Someone has raised a concern about this programme, and the register's convenors would like "
        "your response. Read it and respond here:\n\n",
    ),
    NotificationKind.PUBLISHED: (
        "“{title}” has been published on the register",
        "The independent reviews of “{title}” have been published. You can read the "
        "feedback and publish a response.\n\n",
    ),
    NotificationKind.SUBMITTED: (
        "“{title}” has been submitted for review",
        "Thank you for submitting “{title}”. A convenor will assign independent reviewers; "
        "we will e-mail you when its reviews are published.\n\n",
    ),
    NotificationKind.WITHDRAWN: (
        "“{title}” has been withdrawn from the register",
        "“{title}” has been withdrawn from the register. Its page now says so, and its rating no longer applies.\n\n",
    ),
}


def _about_a_programme(notification: Notification) -> tuple[str, str, list[str]]:
    """The kinds sent to the programme's provider editors, each ending with the page to act on."""
    subject, body = _programme_text(notification)
    if notification.kind == NotificationKind.CONCERN_QUESTION:
        link = site_link("manage:concerns")
    else:
        link = site_link("manage:programme", slug=notification.programme.slug)
    return subject, body + f"{link}\n", _editor_addresses(notification)


def _programme_text(notification: Notification) -> tuple[str, str]:
    if notification.kind == NotificationKind.EXPIRING:
        from reviews.accreditation import reminder_text

        return reminder_text(notification)
    if notification.kind == NotificationKind.REREVIEW:
        from reviews.accreditation import rereview_text

        return rereview_text(notification)
    if notification.kind not in PROGRAMME_TEXTS:
        raise ValueError(f"No e-mail is written for a {notification.kind} notification")
    subject, body = PROGRAMME_TEXTS[notification.kind]
    title = notification.programme.title
    return subject.format(title=title), body.format(title=title)


def deliver(notification: Notification) -> list[str]:
    return send_to(*compose(notification))
