from django.apps import AppConfig


class LeadersConfig(AppConfig):
    name = "leaders"
    verbose_name = "School leaders' accounts"

    def ready(self) -> None:
        from leaders.policies import holds_leader_account
        from qaportal.roles import LEADER, define_role

        define_role(LEADER, holds_leader_account)
