import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def compose_config(*options: str) -> subprocess.CompletedProcess:
    """``docker-compose config`` on the checkout's file, with the secrets it requires set."""
    env = {**os.environ, "SECRET_KEY": "compose-check", "POSTGRES_PASSWORD": "compose-check"}
    command = ["docker-compose", "-f", "docker-compose.yml", "config", *options]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="make test installs docker-compose")
def test_docker_compose_describes_the_five_services_validly():
    check = compose_config("-q")
    assert check.returncode == 0, check.stderr
    services = compose_config("--services")
    assert set(services.stdout.split()) == {"web", "worker", "beat", "postgres", "redis"}
