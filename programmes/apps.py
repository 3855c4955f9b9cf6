from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"

    def ready(self) -> None:
        from programmes.compare import has_compare_list
        from qaportal.http_cache import shows_personal

        # A compare list puts the visitor's own "Compare (2 of 4)" link and "Remove" buttons on the pages.
        shows_personal(has_compare_list)
