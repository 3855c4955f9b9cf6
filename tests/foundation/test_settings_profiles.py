"""Settings are read from the environment: check each profile in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLEAN_ENV = {
    key: value
    for key, value in os.environ.items()
    if key
    not in {
        "DATABASE_URL",
        "DATABASE_REPLICA_URL",
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "CELERY_TASK_ALWAYS_EAGER",
        "DJANGO_ENV",
        "SECRET_KEY",
        "DEBUG",
        "DJANGO_SETTINGS_MODULE",
        "ALLOWED_HOSTS",
        # Set by tests/browser/conftest.py for Playwright; it must not leak into the deploy check.
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
}
REPORT = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], 'eager': settings.CELERY_TASK_ALWAYS_EAGER,"
    " 'debug': settings.DEBUG, 'broker': settings.CELERY_BROKER_URL}))"
)


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**CLEAN_ENV, "DJANGO_SETTINGS_MODULE": "qaportal.settings", **env},
    )


EMBEDDED_REPORT = """
import json, django
from django.conf import settings
from django.db import connection
django.setup()
with connection.cursor() as cursor:
    cursor.execute("SELECT current_setting('server_version_num')::int, pg_postmaster_start_time()::text")
    version, started = cursor.fetchone()
database = settings.DATABASES["default"]
print(json.dumps({"engine": database["ENGINE"], "host": database["HOST"], "name": database["NAME"],
                  "version": version, "started": started, "eager": settings.CELERY_TASK_ALWAYS_EAGER,
                  "debug": settings.DEBUG, "broker": settings.CELERY_BROKER_URL}))
"""


def test_with_nothing_configured_it_runs_on_its_own_postgresql_in_the_data_folder_with_eager_tasks(tmp_path):
    try:
        first = run_python(EMBEDDED_REPORT, DATA_DIR=str(tmp_path))
        assert first.returncode == 0, first.stderr
        report = json.loads(first.stdout)
        assert report["engine"] == "django.db.backends.postgresql"
        assert report["name"] == "qaportal" and report["version"] >= 180000
        assert (Path(report["host"]) / ".s.PGSQL.5432").is_socket()
        assert (tmp_path / "postgres" / "PG_VERSION").read_text().strip() == "18"
        assert (report["eager"], report["debug"], report["broker"]) == (True, True, "")
        # The next process finds the same server running instead of starting another.
        second = json.loads(run_python(EMBEDDED_REPORT, DATA_DIR=str(tmp_path)).stdout)
        assert second["started"] == report["started"]
    finally:
        stopped = run_python("from qaportal import embedded_postgres as e; e.main(['stop'])", DATA_DIR=str(tmp_path))
    assert "Stopped the embedded PostgreSQL." in stopped.stdout, stopped.stderr
    assert not (tmp_path / "postgres" / "postmaster.pid").exists()


def test_with_a_database_and_redis_configured_it_uses_them_and_a_real_broker():
    result = run_python(
        REPORT, DATABASE_URL="postgres://postgres@127.0.0.1:5432/qaportal", REDIS_URL="redis://127.0.0.1:6379/0"
    )
    assert json.loads(result.stdout) == {
        "engine": "django.db.backends.postgresql",
        "eager": False,
        "debug": True,
        "broker": "redis://127.0.0.1:6379/0",
    }


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python(REPORT, DJANGO_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_never_starts_the_embedded_database(tmp_path):
    result = run_python(REPORT, DJANGO_ENV="production", SECRET_KEY="k" * 64, DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr
    assert not (tmp_path / "postgres").exists()


def test_a_malformed_boolean_is_a_clear_error():
    result = run_python(REPORT, DEBUG="perhaps")
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.parametrize("replica", ["", "postgres://postgres@127.0.0.1:5432/qaportal"], ids=["alone", "with-replica"])
def test_the_production_profile_passes_the_deployment_checks(replica):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **CLEAN_ENV,
            "DJANGO_ENV": "production",
            "SECRET_KEY": "k" * 64 + "-production-secret-for-the-check",
            "ALLOWED_HOSTS": "register.example",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/qaportal",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "DATABASE_REPLICA_URL": replica,
        },
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_replica_url_adds_a_second_database_that_tests_mirror_to_the_primary():
    code = (
        "import json, django; from django.conf import settings; django.setup(); r = settings.DATABASES['replica']; "
        "print(json.dumps([r['HOST'], r['PORT'], r['NAME'], r['OPTIONS'], r['TEST']['MIRROR'], "
        "settings.DATABASE_REPLICA_MAX_LAG_SECONDS, settings.DATABASE_ROUTERS]))"
    )
    result = run_python(
        code,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/qaportal",
        DATABASE_REPLICA_URL="postgres://reader@standby.example:5433/register",
        DATABASE_REPLICA_MAX_LAG_SECONDS="3",
    )
    assert json.loads(result.stdout) == [
        "standby.example", 5433, "register", {"connect_timeout": 2}, "default", 3,
        ["qaportal.read_replica.ReplicaRouter"],
    ]  # fmt: skip


def test_without_a_replica_url_there_is_one_database_and_a_malformed_lag_limit_is_a_clear_error():
    code = "import django; from django.conf import settings; django.setup(); print(sorted(settings.DATABASES))"
    assert run_python(code, DATABASE_URL="postgres://postgres@127.0.0.1:5432/qaportal").stdout.strip() == "['default']"
    result = run_python(code, DATABASE_REPLICA_MAX_LAG_SECONDS="soon")
    assert "DATABASE_REPLICA_MAX_LAG_SECONDS must be a whole number" in result.stderr
