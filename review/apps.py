from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Jury review")

    def ready(self) -> None:
        from contests.navigation import ContestLink, register
        from review import events, imports, reminders  # noqa: F401 - registrations

        # The contest's organiser page links here (contests never names this app's pages).
        register(ContestLink(30, _("Jury"), "review:jury"))
