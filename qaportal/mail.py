"""What every e-mail the register sends shares: links that start with SITE_URL (never the host a
request happened to use), and sending only to the addresses there are."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def site_link(url_name: str, **kwargs) -> str:
    """The full address of a page of the register, for an e-mail."""
    return site_url(reverse(url_name, kwargs=kwargs))


def send_to(subject: str, body: str, recipients: list[str]) -> list[str]:
    """Send the e-mail to the addresses that are not empty (none: nothing is sent); returns them."""
    addresses = [address for address in recipients if address]
    if addresses:
        send_mail(subject, body, None, addresses)
    return addresses
