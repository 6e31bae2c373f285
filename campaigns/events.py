from django.utils.translation import gettext_lazy as _

from notifications.events import Event, register

PLACEHOLDERS = {
    "campaign": _("the campaign's title"),
    "organisation": _("the reporting organisation"),
    "due": _("the due date and time (Kyiv)"),
    "link": _("the report's page"),
}

REQUESTED = register(
    Event("campaigns.requested", _("A report was requested (to the organisation)"), True, PLACEHOLDERS)
)
DUE = register(
    Event(
        "campaigns.due",
        _("A campaign report falls due soon (to the organisation)"),
        True,
        {**PLACEHOLDERS, "days": _("days left")},
    )
)
OVERDUE = register(
    Event(
        "campaigns.overdue",
        _("A campaign report is overdue (to the organisation)"),
        True,
        {**PLACEHOLDERS, "days": _("days overdue")},
    )
)
RETURNED = register(
    Event(
        "campaigns.returned",
        _("A campaign report was returned for correction"),
        True,
        {**PLACEHOLDERS, "note": _("what to correct"), "correct_by": _("the correction deadline")},
    )
)
