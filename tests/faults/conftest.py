"""Fault injection against real services: this suite's own Redis server, its own Celery worker (with
beat) and its own gunicorn, all on the test database. Claims and sweeps are made short through the
same settings an operator would use, so that "within a minute" is checked in seconds."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
import requests

from qaportal.celery import app
from tests.conftest import ROOT, suite_database_url
from tests.ratings.test_worker import reset_producer_pools
from tests.services import RedisServer, free_port

# A killed worker's claim expires after 3 s and beat sweeps every second.
FAST_OUTBOX = {"OUTBOX_CLAIM_SECONDS": "3", "OUTBOX_SWEEP_SECONDS": "1", "OUTBOX_GRACE_SECONDS": "1"}
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Services:
    """Starts and kills this test's processes; every one is stopped at the end of the test."""

    def __init__(self, directory, redis: RedisServer):
        self.directory = directory
        self.redis = redis
        self.processes: list[subprocess.Popen] = []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "qaportal.test_settings",
            "DATABASE_URL": suite_database_url(),
            "REDIS_URL": redis.url,
            "MEDIA_ROOT": str(directory / "media"),
            "PYTHONUNBUFFERED": "1",
            **FAST_OUTBOX,
        }

    def _start(self, name: str, command: list[str]) -> tuple[subprocess.Popen, str]:
        log_path = self.directory / f"{name}-{len(self.processes)}.log"
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes.append(process)
        return process, str(log_path)

    def worker(self) -> subprocess.Popen:
        """A Celery worker with an embedded beat, ready once it says so in its log."""
        number = len(self.processes)
        process, log_path = self._start(
            "worker",
            [
                sys.executable, "-m", "celery", "-A", "qaportal", "worker", "--beat",
                "-s", str(self.directory / f"beat-schedule-{number}"),
                "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
                "-n", f"faults-{number}-{os.getpid()}@%h",
            ],
        )  # fmt: skip
        self._wait_for_log(process, log_path, "ready.")
        return process

    def web(self, workers: int = 2) -> str:
        port = free_port()
        process, log_path = self._start(
            "gunicorn",
            [
                sys.executable, "-m", "gunicorn", "qaportal.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--access-logfile", "-",
            ],
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{base}/how-ratings-work/", timeout=10)
                return base
            except (requests.ConnectionError, requests.Timeout):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see {log_path}") from None
                time.sleep(0.2)

    def _wait_for_log(self, process, log_path: str, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in Path(log_path).read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{log_path} never said {text!r}")
            time.sleep(0.1)

    @staticmethod
    def kill_9(process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def services(tmp_path, own_redis):
    (tmp_path / "media").mkdir()
    started = Services(tmp_path, own_redis)
    # This process publishes to the suite's own Redis too, so that stopping it is an outage here as well.
    working_url = app.conf.broker_url
    reset_producer_pools(own_redis.url)
    yield started
    started.stop_all()
    reset_producer_pools(working_url)


def signed_in(base: str, username: str, password: str = "pw-for-tests-1") -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    token = CSRF_FIELD.search(page.text).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def post_form(session: requests.Session, base: str, page: str, action: str, data: dict) -> requests.Response:
    """Load ``page`` (for its CSRF token), then post ``data`` to ``action`` as its form would."""
    text = session.get(urllib.parse.urljoin(base, page), timeout=10).text
    token = CSRF_FIELD.search(text).group(1)
    return session.post(
        urllib.parse.urljoin(base, action),
        data={**data, "csrfmiddlewaretoken": token},
        headers={"Referer": urllib.parse.urljoin(base, page)},
        timeout=30,
        allow_redirects=False,
    )
