"""The summaries page and the API read reviewer agreement from one cache, filled by one task, queued
once however many ask while it is pending; neither computes the whole register in a request."""

import base64
import json

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from summaries.tasks import compute_agreement
from tests import factories
from tests.api.conftest import token_client
from tests.ratings.test_worker import unreachable_broker
from tests.summaries.conftest import at, publish

pytestmark = pytest.mark.django_db

SUMMARIES = "/convenor/summaries/"
PENDING_ON_THE_PAGE = "Reviewer agreement for this selection is being calculated"
TASK = "summaries.tasks.compute_agreement"


def queued_agreement_messages() -> list[list]:
    """The compute_agreement messages waiting on the broker (the test Redis database), as their arguments."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    messages = [json.loads(raw) for raw in broker.lrange("celery", 0, -1)]
    return [json.loads(base64.b64decode(m["body"]))[0] for m in messages if m["headers"]["task"] == TASK]


def run_what_was_queued() -> None:
    """What a worker does with the queued messages: run the task with each one's arguments."""
    for args in queued_agreement_messages():
        compute_agreement(*args)


@pytest.fixture
def web(client, convenor):
    client.force_login(convenor)
    return client


@pytest.fixture
def api(convenor):
    return token_client(convenor)


def test_asking_again_while_agreement_is_pending_queues_no_second_computation(web, api, register):
    first = web.get(SUMMARIES)
    agreement = api.get("/api/v1/agreement/")
    summaries = api.get("/api/v1/summaries/").json()["agreement"]
    again = web.get(SUMMARIES)

    assert PENDING_ON_THE_PAGE in first.content.decode() and PENDING_ON_THE_PAGE in again.content.decode()
    assert agreement.status_code == 202 and agreement.json()["pending"] is True
    assert (summaries["available"], summaries["pending"], summaries["rows"]) == (False, True, [])
    assert queued_agreement_messages() == [[{}]]


def test_once_computed_the_api_and_the_page_show_the_same_figures(web, api, register):
    web.get(SUMMARIES)
    run_what_was_queued()

    page = web.get(SUMMARIES).context["tables"].agreement
    report = api.get("/api/v1/agreement/")
    summaries = api.get("/api/v1/summaries/").json()["agreement"]

    assert report.status_code == 200 and PENDING_ON_THE_PAGE not in web.get(SUMMARIES).content.decode()
    on_the_page = {row.code: row.alpha for row in page.rows}
    in_the_report = {score["key"]: score["alpha"] for score in report.json()["criteria"] + report.json()["elements"]}
    assert on_the_page["P1"] is not None and on_the_page["P1"] < 1
    assert on_the_page == {key: None if alpha is None else round(alpha, 4) for key, alpha in in_the_report.items()}
    assert {row["code"]: row["alpha"] for row in summaries["rows"]} == on_the_page
    assert (report.json()["programmes"], summaries["programmes"], page.programmes) == (2, 2, 2)
    assert len(queued_agreement_messages()) == 1  # the figures were there: nothing queued again


def test_the_api_answers_on_a_cold_cache_without_reading_the_scores(api, register):
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/agreement/")

    assert response.status_code == 202
    assert not [query for query in queries.captured_queries if "reviews_criterionscore" in query["sql"]]


def test_with_the_broker_down_the_page_answers_and_a_later_visit_queues_the_computation(web, register):
    with unreachable_broker():
        down = web.get(SUMMARIES)
    assert down.status_code == 200 and PENDING_ON_THE_PAGE in down.content.decode()
    assert queued_agreement_messages() == []

    web.get(SUMMARIES)
    web.get(SUMMARIES)

    assert queued_agreement_messages() == [[{}]]


def test_a_change_to_the_register_is_worked_out_afresh(web, register, other_reviewer):
    web.get(SUMMARIES)
    run_what_was_queued()
    publish(factories.make_review(register.unrated_programme, other_reviewer, scores=1), at(2026, 4, 1))

    assert PENDING_ON_THE_PAGE in web.get(SUMMARIES).content.decode()
    run_what_was_queued()
    assert web.get(SUMMARIES).context["tables"].agreement.programmes == 3
