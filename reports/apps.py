from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from contests.navigation import ContestLink, register

        # The contest's organiser page links here (contests never names this app's pages).
        register(ContestLink(40, _("Dashboard and reports"), "reports:dashboard"))
