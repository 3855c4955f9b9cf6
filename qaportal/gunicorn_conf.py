"""gunicorn's hooks for the register's web processes: ``gunicorn -c qaportal/gunicorn_conf.py qaportal.wsgi``.

Bind address, workers and logs are given on the command line (docker-compose.yml, README); this file
holds what a command line cannot: no visitor waits for a cold process. The master loads the
application, builds the directory snapshot (programmes.facets) and answers a few public pages to
itself *once*, then forks the workers, which start with all of it in memory they share with the
master until they change it. Each worker then only brings the snapshot up to the database's change
version (a patch of what changed since) before it takes its first request.

Why in the master: five workers each building their own snapshot at once took five times the CPU
of one build on a 2-core machine, and the first visitors queued behind all of them. Without the
pages, the first visitor of each worker paid for importing the URL configuration and the views,
compiling the templates and building the filter form's choices. The code is loaded once, so a
deploy restarts gunicorn rather than sending it HUP.
"""

import gc
import io
import sys
import time

# Answered once by each new worker to itself (the public pages most visitors land on).
WARM_PATHS = ["/programmes/", "/programmes/?q=leadership&sort=best", "/providers/"]


def _warm_paths() -> list[str]:
    """The fixed pages, and one published programme's page and its provider's (their templates and
    the code behind them, compiled and imported once for every worker)."""
    from programmes.models import Programme
    from programmes.vocabulary import ProgrammeStatus

    programme = Programme.objects.filter(status=ProgrammeStatus.PUBLISHED).select_related("provider").first()
    if programme is None:
        return WARM_PATHS
    return [*WARM_PATHS, programme.get_absolute_url(), programme.provider.get_absolute_url()]


def _host() -> str:
    from django.conf import settings

    named = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host not in ("*", "")]
    return named[0] if named else "localhost"


def _answer_once(application, path: str, host: str) -> str:
    """One anonymous GET through the whole WSGI application (middleware, view, template)."""
    route, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": route, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": host, "SERVER_PORT": "443", "HTTP_HOST": host, "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "https", "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False,
    }  # fmt: skip
    statuses = []
    body = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        for _ in body:
            pass
    finally:
        if hasattr(body, "close"):
            body.close()
    return statuses[0] if statuses else "no answer"


def _freeze_what_lives_on() -> int:
    """Leave the loaded application and the warm snapshot out of the garbage collector's full
    passes, and say how many objects that is. Each full pass walked all of them, well over a
    hundred thousand objects, inside whichever request happened to trigger it; none is garbage."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def _close_connections() -> None:
    """Nothing a forked worker could share with the master or its siblings stays open."""
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    caches.close_all()


def _warm(application, log, where: str, *, forks: bool) -> bool:
    """Build (or bring up to date) this process's snapshot and answer the warm pages; say so. A
    process that ``forks`` next (the master) closes its connections either way; a worker keeps them
    unless warming failed (a broken connection is not reused)."""
    started = time.monotonic()
    try:
        from programmes.facets import snapshots

        snapshot = snapshots.warm()
        built = time.monotonic() - started
        answers = [_answer_once(application, path, _host()) for path in _warm_paths()]
        frozen = _freeze_what_lives_on()
    except Exception:
        log.exception("Could not warm the directory snapshot %s", where)
        _close_connections()
        return False
    if forks:
        _close_connections()
    log.info(
        "Directory snapshot warmed %s: %s programmes in %.2f s; first pages answered (%s) in %.2f s; "
        "%s objects left out of the garbage collector's full passes",
        where,
        len(snapshot),
        built,
        ", ".join(answers),
        time.monotonic() - started - built,
        frozen,
    )
    return True


preload_app = True  # the application, and with when_ready the warm snapshot, are loaded once, in the master
_master_warmed = False


def when_ready(server) -> None:
    """Runs in the master once the application is loaded, before the first worker is forked."""
    global _master_warmed
    _master_warmed = _warm(server.app.wsgi(), server.log, "before the workers start", forks=True)


def post_worker_init(worker) -> None:
    """Runs in each new worker before it accepts connections: with the master's snapshot, only what
    changed since it was built is read (a worker forked long after, or a master that could not warm,
    builds here). A worker that cannot warm still serves: its first directory request builds it."""
    if not _master_warmed:
        _warm(worker.wsgi, worker.log, f"in worker {worker.pid}", forks=False)
        return
    started = time.monotonic()
    try:
        from programmes.facets import snapshots

        snapshot = snapshots.warm()
    except Exception:
        worker.log.exception("Could not bring the directory snapshot up to date in worker %s", worker.pid)
        _close_connections()
        return
    worker.log.info(
        "Worker %s ready with the master's snapshot, brought up to change version %s in %.3f s",
        worker.pid,
        snapshot.seen.version,
        time.monotonic() - started,
    )
