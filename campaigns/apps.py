from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _has_campaigns(user) -> bool:
    """Whether the main menu links to campaigns: one query per request at most (cached on the user)."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_campaigns_link"):
        from campaigns.selectors import campaigns_visible_to

        user._campaigns_link = user.has_perm("campaigns.add_campaign") or campaigns_visible_to(user).exists()
    return user._campaigns_link


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Reporting campaigns")

    def ready(self) -> None:
        from campaigns import events, reminders, rules, steps  # noqa: F401  (registries fill in)
        from campaigns.demo import seed
        from campaigns.panels import organisation_panel
        from core import demo
        from core.menu import MenuLink
        from core.menu import register as register_link
        from core.panels import register as register_panel

        # An organisation's page lists its reports due; the menu leads to the campaigns.
        register_panel("accounts.organisation", organisation_panel)
        register_link(MenuLink(55, _("Reporting"), "campaigns:list", place="main", shown=_has_campaigns))
        demo.register(140, "campaigns", seed)
