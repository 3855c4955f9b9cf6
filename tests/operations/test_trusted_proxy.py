"""One trusted-proxy rule decides the client's address, and rotating X-Forwarded-For buys nothing."""

import pytest
from django.test import RequestFactory
from rest_framework.throttling import AnonRateThrottle

from qaportal.client_address import client_address

pytestmark = pytest.mark.django_db


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # no proxy: the header is anybody's
        (1, "10.0.0.2", "198.51.100.1", "198.51.100.1"),
        (1, "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client wrote the left part
        (2, "10.0.0.3", "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (1, "10.0.0.2", None, "10.0.0.2"),  # reached directly, not through the proxy
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
    ],
)
def test_the_client_address_comes_from_the_trusted_proxies(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(request_from(remote, forwarded)) == expected


def throttled_statuses(client, forwarded_for) -> list[int]:
    return [client.get("/api/v1/programmes/", HTTP_X_FORWARDED_FOR=forwarded_for(n)).status_code for n in range(6)]


def test_rotating_x_forwarded_for_does_not_bypass_the_anonymous_throttle(client, monkeypatch, settings):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    settings.TRUSTED_PROXY_COUNT = 0
    assert throttled_statuses(client, lambda n: f"198.51.100.{n}").count(429) == 3


def test_behind_one_proxy_a_forged_left_part_does_not_bypass_it(client, monkeypatch, settings):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    settings.TRUSTED_PROXY_COUNT = 1
    assert throttled_statuses(client, lambda n: f"6.6.6.{n}, 198.51.100.7").count(429) == 3


def test_behind_one_proxy_two_real_clients_are_throttled_apart(client, monkeypatch, settings):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    settings.TRUSTED_PROXY_COUNT = 1
    first = [client.get("/api/v1/programmes/", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code for _ in range(4)]
    second = client.get("/api/v1/programmes/", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code
    assert first == [200, 200, 200, 429] and second == 200
