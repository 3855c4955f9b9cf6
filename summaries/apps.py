from django.apps import AppConfig


class SummariesConfig(AppConfig):
    name = "summaries"
    verbose_name = "Convenors' summaries and exports"

    def ready(self) -> None:
        from qaportal.navigation import ROLE_PAGES
        from qaportal.roles import Role

        entry = (Role.CONVENOR, "Summaries", "summaries:index")
        if entry not in ROLE_PAGES:
            ROLE_PAGES.append(entry)
