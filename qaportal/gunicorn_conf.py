"""gunicorn's hooks for the register's web processes: ``gunicorn -c qaportal/gunicorn_conf.py qaportal.wsgi``.

Bind address, workers and logs are given on the command line (docker-compose.yml, README); this file
holds what a command line cannot: each worker builds the directory snapshot (programmes.facets)
before it takes its first request, so no visitor waits for a cold process.
"""

import time


def post_worker_init(worker) -> None:
    """Runs in each new worker once the Django application is loaded, before it accepts connections."""
    started = time.monotonic()
    try:
        from programmes.facets import snapshots

        snapshot = snapshots.warm()
    except Exception:  # a worker that cannot warm still serves: its first directory request builds it
        worker.log.exception("Could not warm the directory snapshot; the first directory request will build it")
        from django.db import connections

        connections.close_all()
        return
    worker.log.info(
        "Directory snapshot warmed in worker %s: %s programmes in %.2f s",
        worker.pid,
        len(snapshot),
        time.monotonic() - started,
    )
