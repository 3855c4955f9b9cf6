import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qaportal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_it_reports_the_database_and_broker_up_and_no_replica_configured(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "replica": "not configured"}


@pytest.mark.django_db
def test_it_answers_503_when_the_broker_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:6399/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["broker"].startswith("down")
    assert response.json()["database"] == "ok"


def test_it_answers_503_when_the_database_is_unreachable():
    """A real process whose database server does not answer (nothing listens on port 1)."""
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code, json.dumps(r.json()))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qaportal.test_settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing",
    }
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    status, body = result.stdout.split(" ", 1)
    assert status == "503"
    assert json.loads(body)["database"].startswith("down")
