"""Restores what the data migrations load (role groups, the starting framework) after a
transactional test has flushed the test database.

Why: ``django_db(transaction=True)`` tests (worker, browser) end with a TRUNCATE of every table,
which also removes the migrations' data, and ``--reuse-db`` keeps the emptied database for the
next run. ``serialized_rollback`` cannot put the framework back either: the database triggers
refuse new parts on a published framework. So the starting framework is reloaded here with the
triggers switched off for this session only (the test user is a PostgreSQL superuser).
"""

from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader


def ensure_reference_data() -> None:
    from reviews.models import Framework

    create_role_groups = _migration_function("qaportal.migrations.0001_create_role_groups", "create_role_groups")
    create_role_groups(apps, None)
    if Framework.objects.exists():
        return
    load = _migration_function("reviews.migrations.0002_load_starting_framework", "load_starting_framework")
    # The historical models, as the migration saw them: the real models refuse the same writes.
    historical = MigrationLoader(connection).project_state(("reviews", "0002_load_starting_framework")).apps
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            load(historical, None)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def _migration_function(module_name: str, function_name: str):
    import importlib

    return getattr(importlib.import_module(module_name), function_name)
