from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards")

    def ready(self) -> None:
        from awards import events  # noqa: F401 - registers this app's notification events
        from contests.navigation import ContestLink, register

        # The contest's organiser page links here (contests never names this app's pages).
        register(ContestLink(50, _("Winners and announcement"), "awards:organise"))
