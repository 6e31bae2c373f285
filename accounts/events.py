from django.utils.translation import gettext_lazy as _

from notifications.events import Event, register

INVITATION = register(
    Event(
        "accounts.invitation",
        _("Invitation to join an organisation"),
        mandatory=True,
        placeholders={
            "organisation": _("the organisation's name"),
            "inviter": _("who sent the invitation"),
            "link": _("the link that accepts it"),
            "expires": _("until when it is valid"),
        },
    )
)

JURY_INVITATION = register(
    Event(
        "accounts.jury_invitation",
        _("Invitation to a contest's jury"),
        mandatory=True,
        placeholders={
            "contest": _("the contest's title"),
            "inviter": _("who sent the invitation"),
            "link": _("the link that accepts it"),
            "expires": _("until when it is valid"),
        },
    )
)
