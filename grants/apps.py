from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Grants")

    def ready(self) -> None:
        from contests.navigation import ContestLink, register
        from grants import events, reminders, rules  # noqa: F401 - registrations

        # The contest's organiser page links here (contests never names this app's pages).
        register(
            ContestLink(
                60,
                _("Grants"),
                "grants:dashboard",
                shown=lambda user, contest: (
                    not contest.is_draft and user.has_perm("grants.offer_grant", contest)
                ),
            )
        )
