from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Contests")

    def ready(self) -> None:
        # Registrations: this app's notification events, and the accounts' invitations to a contest.
        from contests import events, invitations  # noqa: F401
