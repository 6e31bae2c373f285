from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from contests.navigation import ContestLink, register
        from core.demo import register as register_demo
        from core.menu import MenuLink
        from core.menu import register as register_menu
        from core.panels import register as register_panel
        from reports import rules, steps  # noqa: F401 - registrations
        from reports.demo import seed
        from reports.panels import campaign_panel

        # The contest's organiser page links here (contests never names this app's pages).
        register(ContestLink(40, _("Dashboard and reports"), "reports:dashboard"))
        register(
            ContestLink(
                41,
                _("Analytic reports"),
                "reports:analytic_contest",
                shown=lambda user, contest: user.has_perm("reports.add_analyticreport", contest),
            )
        )
        register_menu(MenuLink(60, _("Analytic reports"), "reports:analytic_public", place="footer"))
        register_demo(150, "analytic", seed)  # after the campaigns' demo (140)
        # The campaign's page shows it where it names the place (campaigns never names this app).
        register_panel("campaigns.detail", campaign_panel)
