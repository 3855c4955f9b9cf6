"""The test suite's small override: real PostgreSQL and Redis on 127.0.0.1, fast hashing."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qaportal")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "false")

from qaportal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The test worker process writes its e-mails to files, so tests can read what it sent.
if os.environ.get("TEST_EMAIL_FILE_PATH"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["TEST_EMAIL_FILE_PATH"]
# Tests sign in many times from one address; the lock-out itself has its own test.
AXES_FAILURE_LIMIT = 5
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
DEBUG = False
# Tests sign convenors in with force_login; the two-factor tests turn it on themselves.
TWO_FACTOR_REQUIRED = False
# One test process sees many small data sets, each rolled back: the directory rebuilds its
# in-memory snapshot for every request, so no test reads another's rows. The snapshot's reuse
# and refresh have their own tests, which turn reuse back on.
DIRECTORY_SNAPSHOT_REUSE = False
# The suite's own worker listens on a queue of its own (tests/conftest.py); what it and the tests
# that use it send goes there, and what the other tests send waits, unrun, on the default queue.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("TEST_CELERY_QUEUE", "celery")
# The suite reads the primary only, even with DATABASE_REPLICA_URL in the environment: tests of the
# replica start their own primary, standby and gunicorn (tests/replica) with the production settings.
DATABASES.pop("replica", None)  # noqa: F405
