from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EservicesConfig(AppConfig):
    name = "eservices"
    verbose_name = _("E-services catalogue")

    def ready(self) -> None:
        from core import demo
        from core.menu import MenuLink
        from core.menu import register as register_link
        from core.panels import register as register_panel
        from eservices import rules  # noqa: F401  (registers the permissions)
        from eservices.demo import seed
        from eservices.panels import organisation_panel

        # The organisation's page shows its members the way to their list of e-services.
        register_panel("accounts.organisation", organisation_panel)
        register_link(MenuLink(40, _("E-services"), "eservices:catalogue", place="main"))
        register_link(
            MenuLink(
                45,
                _("E-services by region"),
                "eservices:totals",
                place="footer",
                shown=lambda user: user.is_authenticated and user.has_perm("eservices.view_totals"),
            )
        )
        demo.register(130, "eservices", seed)
