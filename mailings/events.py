"""The notification events of mailings: the message itself (non-essential or essential) and the
confirmation of a subscription. A mailing's wording is its own (template overrides in its scope)."""

from django.utils.translation import gettext_lazy as _

from notifications.events import Event, register

MESSAGE = register(
    Event(
        "mailings.message",
        _("Mailings from organisers (news, invitations)"),
        placeholders={"unsubscribe_url": _("the link that unsubscribes the recipient")},
    )
)
ESSENTIAL = register(
    Event(
        "mailings.essential", _("Essential mailings from organisers (results, obligations)"), mandatory=True
    )
)
CONFIRM_SUBSCRIPTION = register(
    Event(
        "mailings.confirm_subscription",
        _("Confirm a subscription to the depository's news"),
        mandatory=True,
        placeholders={"confirm_url": _("the link that confirms the subscription")},
    )
)
