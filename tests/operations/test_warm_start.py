"""No visitor waits for a cold process: gunicorn, started by docker-compose.yml's web command, builds the
directory snapshot once in its master before it forks the workers, and each worker brings it up to date
before its first request (qaportal/gunicorn_conf.py); one that cannot warm still serves."""

import os
import re
import shlex
import signal
import subprocess
import threading
import time

import pytest
import requests
import yaml
from django.db import connection

from tests import factories
from tests.conftest import ROOT
from tests.services import free_port

ACCESS_FORMAT = "ACCESS %(p)s %(U)s %(s)s"


def compose_web_command(port: int) -> list[str]:
    """docker-compose.yml's web command as written, on a free local port with 2 workers."""
    command = shlex.split(yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]["command"])
    assert command[0] == "gunicorn"
    command[0] = str(ROOT / ".venv/bin/gunicorn")
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    command[command.index("--workers") + 1] = "2"
    return [*command, "--access-logformat", ACCESS_FORMAT]


def start_gunicorn(log_path, database_url: str) -> tuple[subprocess.Popen, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "REDIS_", "CELERY_"))}
    env.update(DJANGO_SETTINGS_MODULE="qaportal.settings", DATABASE_URL=database_url, DEBUG="false",
               ALLOWED_HOSTS="127.0.0.1", PYTHONUNBUFFERED="1")  # fmt: skip
    port = free_port()
    with open(log_path, "w") as log:
        process = subprocess.Popen(compose_web_command(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    return process, f"http://127.0.0.1:{port}"


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def hammer_until_every_worker_answered(base: str, log_path, path: str, timeout: float = 45) -> list[str]:
    """Requests from two threads as soon as gunicorn listens (its workers may still be starting:
    connections wait in the listen queue), until two worker pids have answered one."""
    deadline = time.monotonic() + timeout

    def keep_asking():
        while time.monotonic() < deadline and len(set(re.findall(r"ACCESS <(\d+)>", log_path.read_text()))) < 2:
            try:
                requests.get(base + path, timeout=30)
            except requests.ConnectionError:
                time.sleep(0.02)  # not listening yet

    threads = [threading.Thread(target=keep_asking) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return log_path.read_text().splitlines()


@pytest.mark.django_db(transaction=True)
def test_the_snapshot_is_built_once_before_the_workers_start_and_each_worker_is_ready_before_it_answers(tmp_path):
    provider = factories.make_provider()
    for number in range(3):
        factories.make_programme(provider, title=f"Warm programme {number}")
    factories.make_programme(provider, title="A draft", status="draft")
    log_path = tmp_path / "gunicorn.log"
    database = connection.settings_dict
    process, base = start_gunicorn(
        log_path, f"postgres://{database['USER']}@127.0.0.1:{database['PORT']}/{database['NAME']}"
    )
    try:
        lines = hammer_until_every_worker_answered(base, log_path, "/programmes/")
    finally:
        stop(process)
    text = "\n".join(lines)
    workers = re.findall(r"Booting worker with pid: (\d+)", text)
    assert len(workers) == 2, text
    warmed = [n for n, line in enumerate(lines) if "Directory snapshot warmed before the workers start:" in line]
    assert len(warmed) == 1, text  # one build, in the master
    assert ": 3 programmes in " in lines[warmed[0]]  # the published ones, read from the database
    booted = [n for n, line in enumerate(lines) if "Booting worker with pid" in line]
    assert warmed[0] < min(booted), text
    # What was loaded lives on: the collector's full passes leave it out from then on.
    frozen = re.search(r"; (\d+) objects left out of the garbage collector's full passes", lines[warmed[0]])
    assert frozen and int(frozen.group(1)) > 10_000, lines[warmed[0]]
    for pid in workers:
        ready = [n for n, line in enumerate(lines) if f"Worker {pid} ready with the master's snapshot" in line]
        answered = [n for n, line in enumerate(lines) if line.startswith(f"ACCESS <{pid}> /programmes/ 200")]
        assert ready and answered, text
        assert ready[0] < answered[0], f"worker {pid} answered before it was ready:\n{text}"


def test_a_worker_that_cannot_warm_says_so_and_still_serves(tmp_path):
    log_path = tmp_path / "gunicorn.log"
    # Nothing listens on port 1: the database is down when the workers start.
    process, base = start_gunicorn(log_path, "postgres://postgres@127.0.0.1:1/nothing")
    try:
        lines = hammer_until_every_worker_answered(base, log_path, "/healthz")
    finally:
        stop(process)
    text = "\n".join(lines)
    assert text.count("Could not warm the directory snapshot before the workers start") == 1, text
    for pid in re.findall(r"Booting worker with pid: (\d+)", text):  # each worker tried again on its own
        assert f"Could not warm the directory snapshot in worker {pid}" in text, text
    assert len(re.findall(r"ACCESS <\d+> /healthz 503", text)) >= 2  # served, and honest about the database
