"""A real streaming hot standby of a throwaway primary, both this test module's own.

Debian's PostgreSQL server binaries (the folder ``pg_config --bindir`` names) run as the
``postgres`` user: ``initdb`` a primary in a temporary folder with its own port and socket folder,
``pg_basebackup -R -X stream`` a standby from it, start both. Every process is stopped and the
folder removed when the module is done, whatever happened.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest
import requests

from tests.services import free_port

# Not tests.conftest's: bench/replica.py imports this module before Django is set up.
ROOT = Path(__file__).resolve().parents[2]

PRIMARY_SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{sockets}'
wal_level = replica
max_wal_senders = 5
hot_standby = on
# A throwaway cluster: durability is not the point, speed is.
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
"""


def bindir() -> Path:
    return Path(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip())


def as_postgres(*command: str, timeout: float = 60) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, timeout=timeout)


class Cluster:
    """One PostgreSQL server of the pair: its data folder, port and log."""

    def __init__(self, folder: Path, name: str):
        self.data = folder / name
        self.log = folder / f"{name}.log"
        self.port = free_port()
        self.sockets = folder / "sockets"

    def url(self, database: str = "register") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "register"):
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database)
        connection.autocommit = True
        return connection

    def pg_ctl(self, *arguments: str) -> None:
        as_postgres(str(bindir() / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", *arguments)

    def start(self) -> None:
        self.pg_ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("stop", "-m", mode)

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def kill(self) -> None:
        """The last resort of the clean-up: the postmaster's own process, by its pid file."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGQUIT)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass


class StreamingPair:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="qaportal-replica-"))
        shutil.chown(self.folder, "postgres", "postgres")
        (self.folder / "sockets").mkdir()
        shutil.chown(self.folder / "sockets", "postgres", "postgres")
        self.primary = Cluster(self.folder, "primary")
        self.standby = Cluster(self.folder, "standby")

    def start(self, *, with_standby: bool = True) -> None:
        as_postgres(str(bindir() / "initdb"), "-A", "trust", "-U", "postgres", "-D", str(self.primary.data),
                    "--no-sync", "--no-instructions", "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        settings = PRIMARY_SETTINGS.format(port=self.primary.port, sockets=self.primary.sockets)
        with open(self.primary.data / "postgresql.conf", "a") as conf:
            conf.write(settings)
        with open(self.primary.data / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self.primary.start()
        with closing(self.primary.connect("postgres")) as connection:
            connection.cursor().execute("CREATE DATABASE register")
        if with_standby:
            self.start_standby()

    def start_standby(self) -> None:
        """A base backup of the primary as it is now, streaming from it from then on."""
        as_postgres(str(bindir() / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary.port),
                    "-U", "postgres", "-D", str(self.standby.data), "-R", "-X", "stream", "--checkpoint=fast",
                    "--no-sync", timeout=3600)  # fmt: skip
        with open(self.standby.data / "postgresql.conf", "a") as conf:
            conf.write(f"port = {self.standby.port}\n")
        self.standby.start()

    def caught_up(self, timeout: float = 20) -> None:
        """Wait until the standby has replayed every commit the primary has acknowledged so far.

        The primary commits asynchronously (``synchronous_commit = off``): a commit is acknowledged
        once its record is in the WAL buffers, before the WAL writer writes it out, so the write
        position (``pg_current_wal_lsn()``) can stop short of it, and a wait for that position let
        the test read the standby before the commit was replayed. A synchronous commit of this
        connection's own flushes all the WAL before it, those commits included: the standby is
        caught up once it has replayed up to the flush position that leaves.
        """
        with closing(self.primary.connect()) as primary_connection:
            cursor = primary_connection.cursor()
            cursor.execute("SET synchronous_commit = on")
            # A transactional message gives the transaction a WAL record and a transaction id: a
            # commit with neither writes nothing, so would flush nothing.
            cursor.execute("SELECT pg_logical_emit_message(true, 'caught-up', '')")
            cursor.execute("SELECT pg_current_wal_flush_lsn()")
            target = cursor.fetchone()[0]
        deadline = time.monotonic() + timeout
        with closing(self.standby.connect()) as standby_connection:
            cursor = standby_connection.cursor()
            while True:
                cursor.execute("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0", [target])
                if cursor.fetchone()[0]:
                    return
                assert time.monotonic() < deadline, "the standby did not catch up"
                time.sleep(0.02)

    def stop(self) -> None:
        for cluster in (self.standby, self.primary):
            if cluster.running:
                try:
                    cluster.stop("immediate")
                except subprocess.SubprocessError:
                    cluster.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def production_env(pair: StreamingPair, **extra: str) -> dict:
    """The production settings' code path (no test overrides) against the throwaway pair, no broker."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "REDIS_", "CELERY_"))}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "qaportal.settings",
        "DATABASE_URL": pair.primary.url(),
        "DATABASE_REPLICA_URL": pair.standby.url(),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


class Gunicorn:
    def __init__(self, env: dict, log: Path, workers: int = 1):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        command = [str(ROOT / ".venv/bin/gunicorn"), "-c", "qaportal/gunicorn_conf.py", "qaportal.wsgi:application",
                   "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)]  # fmt: skip
        with open(log, "w") as output:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_until_serving(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                requests.get(f"{self.base}/healthz", timeout=10)
                return
            except (requests.ConnectionError, requests.Timeout):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def run_manage(env: dict, *arguments: str, stdin: str | None = None) -> str:
    result = subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, input=stdin,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def streaming_pair():
    pair = StreamingPair()
    try:
        pair.start()
        yield pair
    finally:
        pair.stop()
