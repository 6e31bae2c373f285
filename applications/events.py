from django.utils.translation import gettext_lazy as _

from notifications.events import Event, register

APPLICATION_PLACEHOLDERS = {
    "contest": _("the contest's title"),
    "application": _("the project's title"),
    "number": _("the registration number"),
    "organisation": _("the applicant organisation"),
    "link": _("the application's page"),
}

RECEIVED = register(
    Event(
        "applications.received",
        _("Receipt of a submitted application"),
        mandatory=True,
        placeholders={
            **APPLICATION_PLACEHOLDERS,
            "submitted_at": _("when it was submitted, in the contest's time zone"),
            "checksum": _("the SHA-256 checksum of what was submitted"),
            "revision": _("the revision number"),
        },
    )
)
RETURNED = register(
    Event(
        "applications.returned",
        _("An application is returned for correction"),
        mandatory=True,
        placeholders={
            **APPLICATION_PLACEHOLDERS,
            "note": _("what to correct"),
            "deadline": _("the correction deadline, in the contest's time zone"),
        },
    )
)
CORRECTION_DUE = register(
    Event(
        "applications.correction_due",
        _("The correction deadline of a returned application is near"),
        placeholders={
            **APPLICATION_PLACEHOLDERS,
            "note": _("what to correct"),
            "deadline": _("the correction deadline, in the contest's time zone"),
        },
    )
)
SCREENED = register(
    Event(
        "applications.screened",
        _("The screening outcome of an application"),
        mandatory=True,
        placeholders={
            **APPLICATION_PLACEHOLDERS,
            "state": _("eligible or ineligible"),
            "reason": _("the reason, if ineligible"),
            "note": _("the organisers' note"),
        },
    )
)
DEADLINE = register(
    Event(
        "applications.deadline",
        _("The application deadline is near (to organisations holding drafts)"),
        placeholders={
            "contest": _("the contest's title"),
            "deadline": _("the deadline in the contest's time zone"),
            "days": _("how many days are left"),
            "link": _("the contest's page"),
        },
    )
)
