from django.utils.translation import gettext_lazy as _

from notifications.events import Event, register

ROUND_PLACEHOLDERS = {
    "contest": _("the contest's title"),
    "round": _("the review round"),
    "due": _("when reviews are due, in the contest's time zone"),
    "link": _("the juror's queue"),
}

ASSIGNED = register(
    Event(
        "review.assigned",
        _("Applications assigned to a juror"),
        mandatory=True,
        placeholders={**ROUND_PLACEHOLDERS, "count": _("how many applications were assigned")},
    )
)
REOPENED = register(
    Event(
        "review.reopened",
        _("An organiser reopened a juror's review"),
        mandatory=True,
        placeholders={
            **ROUND_PLACEHOLDERS,
            "application": _("the application's registration number"),
            "note": _("why it was reopened"),
        },
    )
)
DUE = register(
    Event(
        "review.due",
        _("Reviews are due soon (to jurors with unfinished reviews)"),
        placeholders={
            **ROUND_PLACEHOLDERS,
            "count": _("how many reviews are unfinished"),
            "days": _("how many days are left"),
        },
    )
)
