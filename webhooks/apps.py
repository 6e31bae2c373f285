from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from contests.navigation import ContestLink, register
        from core import hooks
        from core.panels import register as register_panel
        from webhooks import events  # noqa: F401  (registers the notification event)
        from webhooks.panels import organisation_panel
        from webhooks.services import record_event

        # The apps' services publish their events; deliveries ride in the same transaction.
        hooks.subscribe(record_event)
        # The organisation's page and the contest's organiser page link here.
        register_panel("accounts.organisation", organisation_panel)
        register(
            ContestLink(
                90,
                _("Webhooks"),
                "webhooks:contest",
                shown=lambda user, contest: user.has_perm("webhooks.manage_contest_webhooks", contest),
            )
        )
