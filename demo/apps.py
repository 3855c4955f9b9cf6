from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic register (``manage.py seed_demo``): it writes through every app, so it is an
    app of its own rather than part of the shared ground the apps build on."""

    name = "demo"
    verbose_name = "Demo data"
