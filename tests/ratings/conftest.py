import importlib

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from qaportal.roles import Role
from reviews.models import Framework

STARTING_FRAMEWORK = "0002_load_starting_framework"


@pytest.fixture(autouse=True)
def live_framework_present(db):
    """The role groups and the live framework, which data migrations create. Transactional tests
    (the worker tests here and elsewhere) empty every table when they finish, and --reuse-db keeps
    the emptied database for the next run. Load them again when they are missing, with the
    immutability triggers paused while the framework loads (the migration runs before they exist)."""
    for role in Role:
        Group.objects.get_or_create(name=role)
    if Framework.objects.filter(is_live=True).exists():
        return
    load = importlib.import_module(f"reviews.migrations.{STARTING_FRAMEWORK}").load_starting_framework
    historical_apps = MigrationExecutor(connection).loader.project_state(("reviews", STARTING_FRAMEWORK)).apps
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            load(historical_apps, None)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
