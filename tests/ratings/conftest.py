import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group

from qaportal.roles import Role
from reviews.migrations._starting_framework import load_starting_framework
from reviews.models import Framework


@pytest.fixture(autouse=True)
def live_framework_present(db):
    """The role groups and the live framework, which data migrations create. Transactional tests
    (the worker tests here and elsewhere) empty every table when they finish, and --reuse-db keeps
    the emptied database for the next run. Load them again when they are missing (the framework
    as a fresh install has it: with method version 2)."""
    for role in Role:
        Group.objects.get_or_create(name=role)
    if Framework.objects.filter(is_live=True).exists():
        return
    load_starting_framework(django_apps)
