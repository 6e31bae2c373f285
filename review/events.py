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
NOT_SHORTLISTED = register(
    Event(
        "review.not_shortlisted",
        _("An application is not on the shortlist of the next review round (to its applicant)"),
        mandatory=True,
        placeholders={
            "contest": _("the contest's title"),
            "round": _("the review round"),
            "application": _("the application's title"),
            "number": _("the application's registration number"),
            "nomination": _("the nomination"),
        },
    )
)
DECLARATION_PLACEHOLDERS = {
    "contest": _("the contest's title"),
    "juror": _("the juror's name"),
    "organisation": _("the organisation's name"),
    "note": _("the juror's note"),
}
ORGANISATION_CONFLICT_DECLARED = register(
    Event(
        "review.organisation_conflict_declared",
        _("A juror declared a conflict of interest with an organisation (to the organisers)"),
        mandatory=True,
        placeholders={**DECLARATION_PLACEHOLDERS, "link": _("the contest's jury page")},
    )
)
ORGANISATION_CONFLICT_DECIDED = register(
    Event(
        "review.organisation_conflict_decided",
        _("The organisers accepted or rejected a juror's declared conflict of interest (to the juror)"),
        mandatory=True,
        placeholders={
            **DECLARATION_PLACEHOLDERS,
            "accepted": _("“yes” when accepted, empty when rejected"),
            "reason": _("the organisers' reason"),
            "link": _("the juror's page of declared conflicts"),
        },
    )
)
