import importlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from programmes.migrations._local_authorities import load_local_authorities
from qaportal.roles import Role
from reviews.migrations._starting_framework import load_starting_framework
from tests import factories
from tests.services import RedisServer

create_role_groups = importlib.import_module("qaportal.migrations.0001_create_role_groups").create_role_groups
load_starting_questionnaire = importlib.import_module(
    "feedback.migrations.0002_load_starting_questionnaire"
).load_starting_questionnaire
ROOT = Path(__file__).resolve().parent.parent
DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}
WORKER_MAIL = ROOT / "data" / "test-worker-mail"


@pytest.fixture(autouse=True)
def data_from_migrations(request, django_db_blocker):
    """Put back the rows that data migrations made (role groups, the starting framework).

    A transactional test (browser, worker) ends by flushing every table, which also empties the
    rows those migrations wrote; the next test must still find the register as migrate left it.
    """
    if not (DB_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker("django_db")):
        return
    from django.apps import apps
    from django.contrib.auth.models import Group

    from feedback.models import Questionnaire
    from programmes.models import LocalAuthority
    from reviews.models import Framework

    with django_db_blocker.unblock():
        if not Group.objects.exists():
            create_role_groups(apps)
        if not Framework.objects.exists():
            load_starting_framework(apps)
        if not Questionnaire.objects.exists():
            load_starting_questionnaire(apps)
        if not LocalAuthority.objects.exists():
            load_local_authorities(apps)


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server of this test's own, to stop and start without touching the suite's."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def framework(db):
    return factories.live_framework()


@pytest.fixture
def provider(db):
    return factories.make_provider(name="Northgate Learning Trust", slug="northgate-learning-trust")


@pytest.fixture
def provider_editor(provider):
    editor = factories.make_user("editor-ann", role=Role.PROVIDER_EDITOR)
    provider.editors.add(editor)
    return editor


@pytest.fixture
def reviewer(db):
    return factories.make_user("reviewer-rob", role=Role.REVIEWER)


@pytest.fixture
def other_reviewer(db):
    return factories.make_user("reviewer-rita", role=Role.REVIEWER)


@pytest.fixture
def convenor(db):
    return factories.make_user("convenor-cat", role=Role.CONVENOR)


@pytest.fixture
def outsider(db):
    return factories.make_user("outsider-olly")


@pytest.fixture
def role_users(outsider, provider_editor, reviewer, other_reviewer, convenor) -> dict:
    """The signed-in users above by their fixtures' names, for a test that asks as each in turn."""
    return {
        "outsider": outsider,
        "provider_editor": provider_editor,
        "reviewer": reviewer,
        "other_reviewer": other_reviewer,
        "convenor": convenor,
    }


def suite_database_url() -> str:
    """The test database's URL, for processes of the suite's own (a worker, a server)."""
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


# The suite's worker takes tasks from a queue of its own, and only the tests that ask for it send
# there: a task another test enqueued must never run while that test's tables are being flushed.
WORKER_QUEUE = "suite-worker"


@pytest.fixture(scope="session")
def suite_worker(django_db_setup, django_db_blocker):
    """A real Celery worker process on the test database and the test Redis database."""
    from qaportal.celery import app

    with django_db_blocker.unblock():
        database_url = suite_database_url()
    app.control.purge()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qaportal.test_settings",
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
        "TEST_EMAIL_FILE_PATH": str(WORKER_MAIL),
        "TEST_CELERY_QUEUE": WORKER_QUEUE,
    }
    log_path = ROOT / "data" / "test-worker.log"
    log_path.parent.mkdir(exist_ok=True)
    with open(log_path, "w") as log:
        command = [
            sys.executable, "-m", "celery", "-A", "qaportal", "worker", "--pool=solo", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "-Q", WORKER_QUEUE, "-n", f"test-worker-{os.getpid()}@%h",
        ]  # fmt: skip
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The Celery worker did not start; see {log_path}")
        yield worker
    finally:
        worker.terminate()
        worker.wait(timeout=20)


@pytest.fixture
def celery_worker_process(transactional_db, suite_worker, monkeypatch):
    """The suite's worker, running the tasks this test sends (and those of any beat it starts).

    It depends on ``transactional_db`` so that it ends first: by the time the tables are flushed,
    the worker has dropped this test's queued tasks and finished the one it was running.
    """
    from qaportal.celery import app

    monkeypatch.setitem(app.conf, "task_default_queue", WORKER_QUEUE)
    monkeypatch.setenv("TEST_CELERY_QUEUE", WORKER_QUEUE)
    yield suite_worker
    monkeypatch.undo()
    app.control.purge()
    # The solo pool answers a ping only between tasks.
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=1):
        if time.monotonic() > deadline:
            raise RuntimeError("The Celery worker is still busy a minute after its test ended")


@pytest.fixture
def worker_mail():
    """The e-mails the test worker process sends, as parsed messages (emptied for each test)."""
    import email

    WORKER_MAIL.mkdir(parents=True, exist_ok=True)
    for old in WORKER_MAIL.iterdir():
        old.unlink()

    def read() -> list:
        messages = []
        for path in sorted(WORKER_MAIL.iterdir()):
            raw = path.read_bytes().split(b"\n" + b"-" * 79 + b"\n")
            messages.extend(email.message_from_bytes(part) for part in raw if part.strip())
        return messages

    return read


def at_once(action, times: int) -> None:
    """Run ``action`` in ``times`` threads released together, each on a database connection of
    its own (closed when it is done); return once every one has finished."""
    start = threading.Barrier(times)

    def run():
        start.wait()
        try:
            action()
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def wait_until(condition, timeout: float = 10.0, interval: float = 0.05):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
