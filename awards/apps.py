from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards")

    def ready(self) -> None:
        from awards import events  # noqa: F401 - registers this app's notification events
        from awards.panels import unfinished_panel
        from contests.navigation import ContestLink, register, register_public
        from core.panels import register as register_panel

        # Before the decision and the announcement, the contest's pages show what is unfinished.
        register_panel("contests.steps", unfinished_panel)

        # The contest's organiser and public pages link here (contests never names this app's pages).
        register(ContestLink(50, _("Winners and announcement"), "awards:organise"))
        register_public(
            ContestLink(
                50,
                _("Results and winners"),
                "awards:results",
                shown=lambda user, contest: contest.results_public,
            )
        )
