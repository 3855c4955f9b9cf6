"""Which reads may go to the replica: the rules on their own, without a standby (tests/replica/
test_streaming_standby.py shows them against a real one)."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.urls import resolve

from programmes.models import Programme
from providers.models import Provider
from qaportal.read_replica import REPLICA, ReplicaRouter, judge, may_read_from_replica, read_scope
from ratings.models import ProgrammeRating

router = ReplicaRouter()


def request_for(path: str, method: str = "get", user=None, **headers):
    request = getattr(RequestFactory(), method)(path, **headers)
    request.resolver_match = resolve(path)
    request.user = user or AnonymousUser()
    return request


@pytest.mark.parametrize(
    "path",
    [
        "/programmes/",
        "/programmes/reading-for-pleasure/",
        "/programmes/reading-for-pleasure/badge.svg",
        "/providers/",
        "/providers/northgate/",
        "/providers/northgate/badge.svg",
        "/api/v1/programmes/",
        "/api/v1/programmes/reading-for-pleasure/",
        "/api/v1/providers/",
        "/api/v1/providers/northgate/",
        "/api/v1/providers/northgate/programmes/",
    ],
)
def test_an_anonymous_visitor_reading_the_public_directory_may_read_the_replica(path):
    assert may_read_from_replica(request_for(path))
    assert may_read_from_replica(request_for(path, method="head"))


def test_a_signed_in_visitor_reads_the_primary_even_on_the_directory():
    assert not may_read_from_replica(request_for("/programmes/", user=User(id=1, username="lee")))


def test_an_api_client_with_a_token_reads_the_primary():
    assert not may_read_from_replica(request_for("/api/v1/programmes/", HTTP_AUTHORIZATION="Token abc"))


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_any_request_that_is_not_a_get_or_head_reads_the_primary(method):
    assert not may_read_from_replica(request_for("/programmes/", method=method))


@pytest.mark.parametrize("path", ["/", "/programmes/compare/", "/programmes/export.csv", "/provider/", "/healthz"])
def test_pages_outside_the_public_directory_read_the_primary(path):
    assert not may_read_from_replica(request_for(path))


def test_in_a_request_allowed_the_replica_only_the_directory_tables_are_read_there():
    with read_scope(replica=True):
        assert [router.db_for_read(model) for model in (Programme, Provider, ProgrammeRating)] == [REPLICA] * 3
        # Sign-ins, sessions (the compare list) and roles are read where they were written.
        assert [router.db_for_read(model) for model in (User, Session, Group)] == ["default"] * 3


def test_after_a_write_every_later_read_of_the_request_goes_to_the_primary():
    with read_scope(replica=True):
        assert router.db_for_write(Session) == "default"
        assert router.db_for_read(Programme) == "default"


def test_reads_outside_a_request_go_to_the_primary_as_in_the_worker_and_commands():
    assert router.db_for_read(Programme) == "default"
    with read_scope(replica=False):
        assert router.db_for_read(Programme) == "default"


@pytest.mark.django_db
def test_a_read_inside_a_transaction_on_the_primary_stays_on_the_primary():
    # pytest-django runs this test in a transaction: as in a view under transaction.atomic().
    with read_scope(replica=True):
        assert router.db_for_read(Programme) == "default"


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "programmes")
    assert not router.allow_migrate(REPLICA, "programmes")


@pytest.mark.parametrize(
    ("look", "expected"),
    [
        # in recovery, unreplayed bytes, seconds since the last replayed commit, receiving WAL
        ((True, 0, 3600.0, True), "ok"),  # an idle primary: nothing to replay, however old the last commit
        ((True, 8192, 2.0, True), "ok"),
        ((True, 8192, 7.5, True), "lagging: 7.5 s behind (limit 5 s)"),
        ((True, 8192, None, True), "lagging: no transaction replayed yet"),
        ((True, 0, 1.0, False), "lagging: not receiving WAL from the primary"),
        ((False, None, None, False), "ok"),  # promoted: it is a primary now, and current
    ],
)
def test_the_replica_is_judged_by_what_it_has_still_to_replay_not_by_its_replay_clock(look, expected):
    assert str(judge(*look, limit=5)) == expected
