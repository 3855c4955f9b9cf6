"""Schemathesis against the API's own OpenAPI schema, in process (WSGI), on the test database.

For every operation it sends a fixed small number of generated requests — valid ones and invalid
ones (wrong types, huge numbers, malformed query parameters, unknown ids) — as an anonymous client
and as a reviewer, a provider editor and a convenor signed in with tokens, and runs every check
schemathesis has (``--checks all``): no server error; status, content type, headers and body as the
schema describes; invalid requests refused and valid ones accepted; methods, required headers and
authentication as documented. Deterministic: the same requests every run.

A valid request may still be refused with 400 where a rule joins two fields, or names a row, in a
way the schema cannot state (an end date before the start; a programme slug that does not exist in
a request body). The few operations with such a rule document it on their 400 response and are
listed in ``RULES_THE_SCHEMA_CANNOT_STATE``: only there is a 400 accepted for valid data, and only
when its errors are on the fields of that rule.
"""

import re

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import AnonRateThrottle
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.checks import load_all_checks
from schemathesis.config import SchemathesisConfig

from programmes.filters import DirectoryFilterForm
from tests.api.fuzz_data import make_fuzz_register

EXAMPLES_PER_OPERATION = 12
# Operation → the fields a 400 for schema-valid input may name (each rule is in the 400's description).
RULES_THE_SCHEMA_CANNOT_STATE = {
    # a range's minimum above its maximum; element_min alone; a list's code that names none
    "GET /api/v1/programmes/": "|".join(DirectoryFilterForm.rules_beyond_one_parameter()),
    "GET /api/v1/summaries/": r"reviewed_to",  # the end date before the start
    "POST /api/v1/exports/": r"framework|reviewed_to",  # the same filters, in a body: a framework id names none
    "POST /api/v1/pool/suggestions/": r"assignments\.\d+\.(programme|reviewer)",  # a slug or username names none
    # the need, dates from today, one to five of the shortlist's or programme's providers
    "POST /api/v1/account/enquiries/": r"need|starts_on|ends_on|providers|shortlist|programme",
}
DEFAULT_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]


@schemathesis.check
def valid_data_refused_only_by_a_documented_rule(ctx, response, case):
    """Where a 400 is accepted for valid data, its errors must be on the fields of the documented rule."""
    allowed = RULES_THE_SCHEMA_CANNOT_STATE.get(case.operation.label)
    if allowed is None or case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code == 400:
        fields = set(response.json()["errors"])
        assert fields and all(re.fullmatch(allowed, field) for field in fields), (
            f"Valid data refused for a reason the schema does not document: a 400 is documented here "
            f"for {allowed} only; this one is on {sorted(fields)}."
        )
    return None


load_all_checks()
# Every check schemathesis has (``--checks all``), and the one above.
CHECKS = REGISTERED_CHECKS.get_all()
CONFIG = SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                "include-name": label,
                "checks": {"positive_data_acceptance": {"expected-statuses": [*DEFAULT_ACCEPTED, "400"]}},
            }
            for label in RULES_THE_SCHEMA_CANNOT_STATE
        ]
    }
)


def load_schema():
    from qaportal.wsgi import application

    loaded = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)
    loaded.config.generation.update(
        modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
        max_examples=EXAMPLES_PER_OPERATION,
        deterministic=True,
        database="none",
    )
    return loaded


# Loaded once, at collection, from the running code: the schema the docs page shows.
schema = load_schema()


@pytest.fixture(autouse=True)
def fuzz_register(db, monkeypatch):
    # The fuzzer is one anonymous client sending hundreds of requests a minute; the throttle
    # (tested on its own) would answer most of them with 429 and hide what they would find.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "100000/minute"})
    make_fuzz_register()
    # Requests go through the real WSGI handler, which closes the database connection when a
    # request ends; Django's test client disconnects that for the same reason: the test's
    # transaction lives on that connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The fixtures (the small register, the throttle rate) are meant to last across the examples of
# one operation: each operation's run shares one rolled-back transaction.
FUZZ_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_no_anonymous_request_breaks_the_schema_or_the_server(case):
    case.call_and_validate(checks=CHECKS)


# A reviewer, a provider editor, a convenor and a school leader between them reach every signed-in endpoint.
@pytest.fixture(params=["fuzz-reviewer", "fuzz-editor", "fuzz-convenor", "fuzz-leader@school.example"])
def signed_in_as(request):
    return User.objects.get(username=request.param)


@schema.parametrize()
@FUZZ_SETTINGS
def test_no_signed_in_request_breaks_the_schema_or_the_server(case, signed_in_as):
    # A fresh token every time: the fuzzer may well have revoked the last one (DELETE auth/token).
    token, _ = Token.objects.get_or_create(user=signed_in_as)
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, checks=CHECKS)
