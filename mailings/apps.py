from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    name = "mailings"
    verbose_name = _("Targeted mailings")

    def ready(self) -> None:
        from contests.navigation import ContestLink
        from contests.navigation import register as register_contest_link
        from core import demo
        from core.menu import MenuLink
        from core.menu import register as register_menu
        from mailings import events, rules, steps  # noqa: F401  (events, permissions, the send step)
        from mailings.demo import seed
        from mailings.selectors import may_mail_site_wide, organises_a_contest

        register_menu(
            MenuLink(
                85,
                _("Mailings"),
                "mailings:list",
                shown=lambda user: (
                    user.is_authenticated and (may_mail_site_wide(user) or organises_a_contest(user))
                ),
            )
        )
        register_menu(MenuLink(60, _("New cases by e-mail"), "mailings:subscribe", place="footer"))
        register_contest_link(
            ContestLink(
                85,
                _("Mailings"),
                "mailings:contest",
                shown=lambda user, contest: user.has_perm("mailings.add_mailing", contest),
            )
        )
        demo.register(160, "mailings", seed)
