from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards")

    def ready(self) -> None:
        from awards import events  # noqa: F401 - registers this app's notification events
        from awards.demo_awards4 import seed as seed_awards4
        from awards.panels import documents_panel, unfinished_panel
        from contests.navigation import ContestLink, register, register_public
        from core import demo
        from core.menu import MenuLink
        from core.menu import register as register_menu
        from core.panels import register as register_panel

        # Before the decision and the announcement, the contest's pages show what is unfinished.
        register_panel("contests.steps", unfinished_panel)
        # Special awards, certificates and letters of thanks on the finished demo contest.
        demo.register(150, "awards4", seed_awards4)
        # The holder's documents on the application's page; everyone's in "My diplomas".
        register_panel("applications.detail", documents_panel)
        register_menu(
            MenuLink(70, _("My diplomas"), "awards:my_documents", shown=lambda user: user.is_authenticated)
        )

        # The contest's organiser and public pages link here (contests never names this app's pages).
        register(ContestLink(50, _("Winners and announcement"), "awards:organise"))
        register(ContestLink(52, _("Special awards and certificates"), "awards:special"))
        register_public(
            ContestLink(
                50,
                _("Results and winners"),
                "awards:results",
                shown=lambda user, contest: contest.results_public,
            )
        )
