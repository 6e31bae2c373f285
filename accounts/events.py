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

GRANT_OFFICER_INVITATION = register(
    Event(
        "accounts.grant_officer_invitation",
        _("Invitation to be a contest's grant officer"),
        mandatory=True,
        placeholders={
            "contest": _("the contest's title"),
            "inviter": _("who sent the invitation"),
            "link": _("the link that accepts it"),
            "expires": _("until when it is valid"),
        },
    )
)

ORGANISER_INVITATION = register(
    Event(
        "accounts.organiser_invitation",
        _("Invitation to organise contests"),
        mandatory=True,
        placeholders={
            "inviter": _("who sent the invitation"),
            "link": _("the link that accepts it"),
            "expires": _("until when it is valid"),
        },
    )
)

EMAIL_CONFIRMATION = register(
    Event(
        "accounts.email_confirmation",
        _("Confirmation of the e-mail address after signing up"),
        mandatory=True,
        placeholders={
            "name": _("the person's name"),
            "link": _("the link that confirms the address"),
            "days": _("for how many days the link works"),
        },
    )
)

SIGN_UP_ATTEMPT = register(
    Event(
        "accounts.sign_up_attempt",
        _("Someone tried to sign up with an address that has an account"),
        mandatory=True,
        placeholders={
            "name": _("the person's name"),
            "login_link": _("the link of the login page"),
            "reset_link": _("the link that resets the password"),
        },
    )
)

ERASURE_REQUESTED = register(
    Event(
        "accounts.erasure_requested",
        _("A person asked to erase their personal data (to staff)"),
        mandatory=True,
        placeholders={
            "person": _("who asked (their number and name)"),
            "link": _("the page of erasure requests"),
        },
    )
)
