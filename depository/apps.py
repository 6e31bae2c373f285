from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepositoryConfig(AppConfig):
    name = "depository"
    verbose_name = _("Depository of best practices")

    def ready(self) -> None:
        from contests.navigation import ContestLink, register
        from core.panels import register as register_panel
        from depository.panels import consent_panel

        # The application's page shows the consent form in its place for the depository.
        register_panel("applications.detail", consent_panel)

        # The contest's organiser page links here (contests never names this app's pages).
        register(ContestLink(70, _("Best-practice cases"), "depository:manage"))
