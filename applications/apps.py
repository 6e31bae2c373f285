from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from applications import events, privacy, reminders  # noqa: F401 - registers events, reminders, my data
        from applications.selectors import draft_holders
        from contests.navigation import ContestLink, register, register_nomination, register_public
        from contests.services import deadline_audience

        # Organisations holding drafts hear when a published deadline moves.
        deadline_audience(draft_holders)

        # The contest's organiser and public pages link here (contests never names this app's pages).
        register(ContestLink(10, _("Applications and screening"), "applications:screening"))
        register(ContestLink(20, _("Late-submission codes"), "applications:late_codes"))
        # "Apply" shows to everyone while the call accepts applications: a visitor goes through
        # sign-up (or login) and registering the library, then back to the start (views.start).
        register_public(
            ContestLink(
                10,
                _("Apply"),
                "applications:new",
                shown=lambda user, contest: contest.is_accepting_applications,
                query="contest",
            )
        )
        register_nomination(
            ContestLink(
                10,
                _("Apply in this nomination"),
                "applications:new",
                shown=lambda user, contest: contest.is_accepting_applications,
                query="contest",
            )
        )
