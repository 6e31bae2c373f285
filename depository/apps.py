from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepositoryConfig(AppConfig):
    name = "depository"
    verbose_name = _("Depository of best practices")

    def ready(self) -> None:
        from contests.navigation import ContestLink, register
        from core import demo
        from core.panels import register as register_panel
        from depository.demo_eservices import link_demo_cases
        from depository.panels import consent_panel, eservice_cases_panel

        # The application's page shows the consent form in its place for the depository.
        register_panel("applications.detail", consent_panel)
        # An e-service's public page lists the published cases describing it.
        register_panel("eservices.detail", eservice_cases_panel)
        # After the e-services' demo (130): link the demo cases to their libraries' services.
        demo.register(131, "depository-eservices", link_demo_cases)

        # The contest's organiser page links here (contests never names this app's pages).
        register(ContestLink(70, _("Best-practice cases"), "depository:manage"))
