"""The directory's reads against a real streaming hot standby (tests/replica/conftest.py), through gunicorn.

How a read is shown to come from the standby: its WAL replay is paused, the primary changes a
programme, and a page that still shows the old text was read on the standby.
"""

import json
import re
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass

import pytest
import requests

from tests.replica.conftest import Gunicorn, StreamingPair, production_env, run_manage

pytestmark = [pytest.mark.replica, pytest.mark.slow]

# DATABASE_REPLICA_MAX_LAG_SECONDS for this server: room for a dozen requests on a loaded machine.
LAG_LIMIT = 10
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RESULTS_COUNT = re.compile(r'id="results-count"[^>]*>([\d,]+) programmes?<')
DATA = """
import json
from programmes.search import refresh_search_vectors
from programmes.vocabulary import ProgrammeStatus
from tests import factories
provider = factories.make_provider(name="Northgate Learning Trust", slug="northgate")
reading = factories.make_programme(provider, title="Reading for Pleasure", slug="reading-for-pleasure")
maths = factories.make_programme(provider, title="Maths Mastery", slug="maths-mastery", status=ProgrammeStatus.DRAFT)
oracy = factories.make_programme(provider, title="Oracy Across the Curriculum", slug="oracy-across",
                                 status=ProgrammeStatus.DRAFT)
factories.make_user("leader-lee")
refresh_search_vectors()
print(json.dumps({"maths": maths.id, "oracy": oracy.id}))
"""


@dataclass
class Site:
    pair: StreamingPair
    server: Gunicorn
    maths_id: int
    oracy_id: int

    def url(self, path: str) -> str:
        return self.server.base + path

    def on_primary(self, sql: str, params: list) -> None:
        with closing(self.pair.primary.connect()) as connection:
            connection.cursor().execute(sql, params)

    def rename(self, title: str) -> None:
        self.on_primary("UPDATE programmes_programme SET title = %s WHERE slug = 'reading-for-pleasure'", [title])

    def log_tail(self) -> str:
        return self.server.log.read_text()[-3000:]

    def health(self) -> dict:
        response = requests.get(self.url("/healthz"), timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def wait_for_replica(self, state: str, timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        while not (health := self.health())["replica"].startswith(state):
            assert time.monotonic() < deadline, f"the replica never became {state!r}: {health}"
            time.sleep(0.2)
        return health


@pytest.fixture(scope="module")
def site(streaming_pair, tmp_path_factory):
    env = production_env(streaming_pair, DATABASE_REPLICA_MAX_LAG_SECONDS=str(LAG_LIMIT))
    run_manage(env, "migrate", "-v0")
    ids = json.loads(run_manage(env, "shell", "-c", DATA).strip().splitlines()[-1])
    streaming_pair.caught_up()
    server = Gunicorn(env, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log")
    try:
        server.wait_until_serving()
        yield Site(streaming_pair, server, ids["maths"], ids["oracy"])
    finally:
        server.stop()


@contextmanager
def replay_paused(site: Site):
    """The standby stops replaying WAL, right after replaying a commit made now (so it is not behind
    yet); it keeps receiving, and catches up again afterwards. Yields the seconds since that commit."""
    beat = time.monotonic()
    site.on_primary("CREATE TABLE IF NOT EXISTS heartbeat (at timestamptz); INSERT INTO heartbeat VALUES (now())", [])
    site.pair.caught_up()
    with closing(site.pair.standby.connect()) as standby:
        cursor = standby.cursor()
        cursor.execute("SELECT pg_wal_replay_pause()")
        cursor.execute("SELECT pg_get_wal_replay_pause_state()")
        while cursor.fetchone()[0] != "paused":
            time.sleep(0.02)
            cursor.execute("SELECT pg_get_wal_replay_pause_state()")
        try:
            # The standby's lag, as the health check measures it, runs from that last replayed commit.
            yield lambda: time.monotonic() - beat
        finally:
            cursor.execute("SELECT pg_wal_replay_resume()")
    site.pair.caught_up()


def signed_in(site: Site, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(site.url("/accounts/login/"), timeout=10)
    token = CSRF_FIELD.search(page.text)[1]
    response = session.post(
        site.url("/accounts/login/"),
        data={"username": username, "password": "pw-for-tests-1", "csrfmiddlewaretoken": token},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return session


PUBLIC_READS = [
    "/programmes/",
    "/programmes/reading-for-pleasure/",
    "/programmes/reading-for-pleasure/badge.svg",
    "/providers/northgate/",
    "/api/v1/programmes/reading-for-pleasure/",
    "/api/v1/providers/northgate/programmes/",
]


def test_an_anonymous_visitor_reads_the_directory_pages_badge_and_api_from_the_standby(site):
    assert site.health()["replica"] == "ok"
    for path in PUBLIC_READS:  # each view's first use (templates, serializers) is not timed below
        assert requests.get(site.url(path), timeout=10).status_code == 200
    with replay_paused(site) as lag_so_far:
        site.rename("Reading Together")
        seen = {path: requests.get(site.url(path), timeout=10) for path in PUBLIC_READS}
        assert lag_so_far() < LAG_LIMIT - 1, "the machine was too slow to stay inside the lag limit"
    for path, response in seen.items():
        assert response.status_code == 200, path
        assert "Reading for Pleasure" in response.text and "Reading Together" not in response.text, site.log_tail()
    # Replayed again (once it has caught up), the standby shows the change.
    site.pair.caught_up()
    assert "Reading Together" in requests.get(site.url("/programmes/reading-for-pleasure/"), timeout=10).text


def test_a_signed_in_visitor_and_a_post_read_the_primary_while_anonymous_pages_read_the_standby(site):
    leader = signed_in(site, "leader-lee")
    anonymous = requests.Session()
    # The public pages carry no per-visitor token (so a shared cache may keep them): compare forms
    # are checked by the browser's Fetch Metadata instead, which requests sends as a browser would.
    anonymous.headers["Sec-Fetch-Site"] = "same-origin"
    with replay_paused(site) as lag_so_far:
        site.rename("Reading Aloud")
        site.on_primary("UPDATE programmes_programme SET status = 'published', published_at = now() WHERE id = %s",
                        [site.maths_id])  # fmt: skip
        as_leader = leader.get(site.url("/programmes/reading-for-pleasure/"), timeout=10).text
        as_visitor = anonymous.get(site.url("/programmes/reading-for-pleasure/"), timeout=10).text
        maths_page = anonymous.get(site.url("/programmes/maths-mastery/"), timeout=10)
        # Only the primary knows Maths Mastery is published: the standby's answer would be a 400.
        added = anonymous.post(site.url("/programmes/compare/add/"), timeout=10, allow_redirects=False,
                               data={"programme": site.maths_id})  # fmt: skip
        assert lag_so_far() < LAG_LIMIT - 1, "the machine was too slow to stay inside the lag limit"
    assert "Reading Aloud" in as_leader
    assert "Reading Aloud" not in as_visitor and "Reading Together" in as_visitor
    assert maths_page.status_code == 404
    assert added.status_code == 302, added.text[:300]
    assert "Maths Mastery" in anonymous.get(site.url("/programmes/compare/"), timeout=10).text


def results(page: requests.Response) -> int:
    assert page.status_code == 200, page.text[:300]
    return int(RESULTS_COUNT.search(page.text)[1].replace(",", ""))


def test_the_directory_counts_and_searches_on_the_standby_and_catches_up_from_it_alone(site):
    """The snapshot, its catch-up and the search are the standby's: a programme published on the
    primary while replay is paused is in neither the visitor's count nor their search, even after a
    signed-in leader's directory (read on the primary) has shown it; once replayed it is in both."""
    leader = signed_in(site, "leader-lee")
    listed = results(requests.get(site.url("/programmes/"), timeout=10))
    assert results(requests.get(site.url("/programmes/?q=oracy"), timeout=10)) == 0
    with replay_paused(site) as lag_so_far:
        site.on_primary("UPDATE programmes_programme SET status = 'published', published_at = now() WHERE id = %s",
                        [site.oracy_id])  # fmt: skip
        leaders_search = results(leader.get(site.url("/programmes/?q=oracy"), timeout=10))
        leaders_count = results(leader.get(site.url("/programmes/"), timeout=10))
        visitors_count = results(requests.get(site.url("/programmes/"), timeout=10))
        visitors_search = requests.get(site.url("/programmes/?q=oracy"), timeout=10)
        assert lag_so_far() < LAG_LIMIT - 1, "the machine was too slow to stay inside the lag limit"
    assert (leaders_search, leaders_count) == (1, listed + 1), site.log_tail()
    assert (visitors_count, results(visitors_search)) == (listed, 0), site.log_tail()
    assert "Oracy Across the Curriculum" not in visitors_search.text
    site.pair.caught_up()
    replayed = requests.get(site.url("/programmes/?q=oracy"), timeout=10)
    assert results(replayed) == 1 and "Oracy Across the Curriculum" in replayed.text
    assert results(requests.get(site.url("/programmes/"), timeout=10)) == listed + 1


def test_a_standby_further_behind_than_the_limit_is_not_read_and_healthz_says_it_lags(site):
    with replay_paused(site):
        site.rename("Reading Circles")
        health = site.wait_for_replica("lagging")
        page = requests.get(site.url("/programmes/reading-for-pleasure/"), timeout=10)
        assert "Reading Circles" in page.text  # from the primary
    assert health["status"] == "ok" and f"(limit {LAG_LIMIT} s)" in health["replica"]
    assert site.wait_for_replica("ok")["status"] == "ok"


def test_with_the_standby_stopped_pages_come_from_the_primary_and_healthz_says_it_is_down(site):
    assert requests.get(site.url("/programmes/reading-for-pleasure/"), timeout=10).status_code == 200
    site.pair.standby.stop()
    try:
        site.rename("Reading Journeys")
        # The directory's snapshot catch-up and its search included.
        for path in [*PUBLIC_READS, "/programmes/?q=reading"]:
            response = requests.get(site.url(path), timeout=10)
            assert response.status_code == 200, path
            assert "Reading Journeys" in response.text, path
        health = site.health()
        assert health["status"] == "ok" and health["database"] == "ok"
        assert health["replica"].startswith("down")
    finally:
        site.pair.standby.start()
    # Back, it catches up and is used again.
    site.pair.caught_up()
    assert site.wait_for_replica("ok")["replica"] == "ok"
