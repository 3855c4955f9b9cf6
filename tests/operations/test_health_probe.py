"""The compose file's web health check, run as it is written, against gunicorn in the production profile."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.services import free_port

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    key: value
    for key, value in os.environ.items()
    if key not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
} | {
    "DJANGO_ENV": "production",
    "DJANGO_SETTINGS_MODULE": "qaportal.settings",
    "SECRET_KEY": "p" * 64 + "-production-secret-for-the-probe",
    "ALLOWED_HOSTS": "register.example",
}


@pytest.fixture(scope="module")
def production_gunicorn(tmp_path_factory):
    port = free_port()
    log = open(tmp_path_factory.mktemp("gunicorn") / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    # Only "SELECT 1" is asked of the database: the server's own maintenance database will do.
    env = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "qaportal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nothing-here", timeout=1)
        except urllib.error.HTTPError:
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=20)
    log.close()


def compose_probe_command(port: int) -> list[str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["healthcheck"]["test"]
    assert command[0] == "CMD"
    return [
        sys.executable if part == "python" else part.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        for part in command[1:]
    ]


def test_the_compose_health_check_passes_in_production(production_gunicorn):
    probe = subprocess.run(compose_probe_command(production_gunicorn), capture_output=True, text=True, timeout=30)
    assert probe.returncode == 0, probe.stderr


def test_other_pages_keep_the_host_check_and_the_https_redirect(production_gunicorn):
    base = f"http://127.0.0.1:{production_gunicorn}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{base}/", timeout=5)
    assert refused.value.code == 400

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(f"{base}/", headers={"Host": "register.example"})
    with pytest.raises(urllib.error.HTTPError) as redirected:
        urllib.request.build_opener(NoRedirect).open(request, timeout=5)
    assert redirected.value.code == 301
    assert redirected.value.headers["Location"].startswith("https://register.example/")
