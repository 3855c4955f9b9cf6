"""Database connections terminated (pg_terminate_backend) under a bounded request loop: no 500s."""

import threading
import time

import pytest
import requests
from django.db import connection

from tests.factories import make_programme, make_provider

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

PAGES = ["/", "/programmes/", "/api/v1/programmes/", "/providers/"]


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate_connections(*, sparing: list[int]) -> int:
    """Terminate every connection to the test database but the test's own (``sparing``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> ALL(%s)",
            [sparing],
        )
        return cursor.fetchone()[0]


def test_terminated_connections_under_a_request_loop_give_no_500(services):
    programme = make_programme(make_provider())
    base = services.web(workers=2)
    pages = [*PAGES, f"/programmes/{programme.slug}/"]
    statuses: list[int] = []
    terminated = 0
    stop = threading.Event()
    tests_own = backend_pid()

    def terminator():
        nonlocal terminated
        try:
            while not stop.wait(0.5):  # a drop every half second: each request, retried, outlasts one
                terminated += terminate_connections(sparing=[tests_own, backend_pid()])
        finally:
            connection.close()

    killer = threading.Thread(target=terminator)
    with requests.Session() as session:
        for page in pages:  # every gunicorn worker holds a persistent connection first
            session.get(f"{base}{page}", timeout=30)
        killer.start()
        try:
            # At least 200 requests and 10 drops among them, however fast the pages are answered.
            deadline = time.monotonic() + 120
            while (len(statuses) < 200 or terminated < 10) and time.monotonic() < deadline:
                page = pages[len(statuses) % len(pages)]
                statuses.append(session.get(f"{base}{page}", timeout=30).status_code)
        finally:
            stop.set()
            killer.join()

    print(f"{len(statuses)} requests, {terminated} connections terminated, statuses {sorted(set(statuses))}")
    assert terminated >= 10
    assert statuses.count(500) == 0
    assert set(statuses) <= {200}
