"""Events of the work plan: an activity's deadline nears, an activity is late (to the grantee)."""

from django.utils.translation import gettext_lazy as _

from grants.events import GRANT_PLACEHOLDERS
from notifications.events import Event, register

ACTIVITY_PLACEHOLDERS = {
    **GRANT_PLACEHOLDERS,
    "activity": _("the activity of the work plan"),
    "responsible": _("who is responsible for it"),
    "deadline": _("the activity's deadline"),
}

ACTIVITY_DUE = register(
    Event(
        "grants.activity_due",
        _("A work plan activity's deadline nears (to the grantee)"),
        placeholders={**ACTIVITY_PLACEHOLDERS, "days": _("days left")},
    )
)
ACTIVITY_LATE = register(
    Event(
        "grants.activity_late",
        _("A work plan activity is late (to the grantee)"),
        placeholders={**ACTIVITY_PLACEHOLDERS, "days": _("days since the deadline")},
    )
)
