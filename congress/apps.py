from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CongressConfig(AppConfig):
    name = "congress"
    verbose_name = _("Congress presenters")

    def ready(self) -> None:
        from congress import events, reminders, rules, steps  # noqa: F401  (they register themselves)
        from congress.demo import seed
        from congress.panels import organisation_panel
        from congress.selectors import has_invitations
        from contests.navigation import ContestLink
        from contests.navigation import register as register_contest_link
        from core.demo import register as register_demo
        from core.menu import MenuLink
        from core.menu import register as register_menu
        from core.panels import register as register_panel

        register_panel("accounts.organisation", organisation_panel)
        register_menu(MenuLink(62, _("Congresses and events"), "congress:list", place="footer"))
        register_menu(
            MenuLink(
                60,
                _("Invitations to present"),
                "congress:invitations",
                shown=lambda user: user is not None and has_invitations(user),
            )
        )
        register_menu(
            MenuLink(
                61,
                _("Events I organise"),
                "congress:manage",
                shown=lambda user: user is not None and user.has_perm("congress.add_event"),
            )
        )
        register_contest_link(
            ContestLink(
                95,
                _("Congress events"),
                "congress:manage",
                shown=lambda user, contest: user.has_perm("contests.change_contest", contest),
                query="contest",
            )
        )
        register_demo(150, "congress", seed)
