from django.utils.translation import gettext_lazy as _

from notifications.events import Event, register

ENDPOINT_DISABLED = register(
    Event(
        "webhooks.endpoint_disabled",
        _("A webhook endpoint was disabled after failing"),
        mandatory=True,
        placeholders={
            "url": _("the endpoint's address"),
            "owner": _("the organisation or contest it belongs to"),
            "reason": _("why it was disabled"),
            "link": _("the endpoint's page"),
        },
    )
)
