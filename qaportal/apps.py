from django.apps import AppConfig


class QaportalConfig(AppConfig):
    name = "qaportal"
    verbose_name = "Register"

    def ready(self) -> None:
        from qaportal import security_signals  # noqa: F401 - connects the security-event receivers
