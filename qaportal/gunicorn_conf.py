"""gunicorn's hooks for the register's web processes: ``gunicorn -c qaportal/gunicorn_conf.py qaportal.wsgi``.

Bind address, workers and logs are given on the command line (docker-compose.yml, README); this file
holds what a command line cannot: each worker builds the directory snapshot (programmes.facets) and
answers a few public pages to itself before it takes its first request, so no visitor waits for a
cold process. Without those pages the first visitor of each worker paid for importing the URL
configuration and the views, compiling the templates and building the filter form's choices.
"""

import gc
import io
import sys
import time

# Answered once by each new worker to itself (the public pages most visitors land on).
WARM_PATHS = ["/programmes/", "/programmes/?q=leadership&sort=best", "/providers/"]


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


def post_worker_init(worker) -> None:
    """Runs in each new worker once the Django application is loaded, before it accepts connections."""
    started = time.monotonic()
    try:
        from programmes.facets import snapshots

        snapshot = snapshots.warm()
        built = time.monotonic() - started
        host = _host()
        answers = [_answer_once(worker.wsgi, path, host) for path in WARM_PATHS]
        frozen = _freeze_what_lives_on()
    except Exception:  # a worker that cannot warm still serves: its first directory request builds it
        worker.log.exception("Could not warm the directory snapshot; the first directory request will build it")
        from django.db import connections

        connections.close_all()
        return
    worker.log.info(
        "Directory snapshot warmed in worker %s: %s programmes in %.2f s; first pages answered (%s) in %.2f s; "
        "%s objects left out of the garbage collector's full passes",
        worker.pid,
        len(snapshot),
        built,
        ", ".join(answers),
        time.monotonic() - started - built,
        frozen,
    )
