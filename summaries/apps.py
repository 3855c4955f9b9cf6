from django.apps import AppConfig


class SummariesConfig(AppConfig):
    name = "summaries"
    verbose_name = "Convenors' summaries and exports"

    def ready(self) -> None:
        from qaportal.navigation import ROLE_PAGES
        from qaportal.roles import Role
        from summaries.tasks import register_periodic_cleanup

        entry = (Role.CONVENOR, "Summaries", "summaries:index")
        if entry not in ROLE_PAGES:
            ROLE_PAGES.append(entry)
        register_periodic_cleanup()
