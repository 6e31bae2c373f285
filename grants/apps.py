from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Grants")

    def ready(self) -> None:
        from contests.navigation import ContestLink, register
        from core import demo
        from grants import (  # noqa: F401 - registrations
            events,
            reminders,
            rules,
            workplan_reminders,
            workplan_steps,
        )
        from grants.demo_workplan import seed as seed_work_plans

        demo.register(135, "workplan", seed_work_plans)

        # The contest's organiser page links here (contests never names this app's pages).
        register(
            ContestLink(
                60,
                _("Grants"),
                "grants:dashboard",
                shown=lambda user, contest: (
                    not contest.is_draft and user.has_perm("grants.offer_grant", contest)
                ),
            )
        )
