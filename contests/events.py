from django.utils.translation import gettext_lazy as _

from notifications.events import Event, register

CONTEST_PLACEHOLDERS = {
    "contest": _("the contest's title"),
    "link": _("the contest's page"),
}

PUBLISHED = register(
    Event(
        "contests.published",
        _("A call is published"),
        placeholders={**CONTEST_PLACEHOLDERS, "deadline": _("the deadline in the contest's time zone")},
    )
)
CANCELLED = register(
    Event(
        "contests.cancelled",
        _("A contest is cancelled"),
        mandatory=True,
        placeholders={**CONTEST_PLACEHOLDERS, "reason": _("the organiser's reason")},
    )
)
DEADLINE_MOVED = register(
    Event(
        "contests.deadline_moved",
        _("The deadline of a published call is moved (to organisations holding drafts)"),
        mandatory=True,
        placeholders={
            **CONTEST_PLACEHOLDERS,
            "old_deadline": _("the previous deadline in the contest's time zone"),
            "deadline": _("the new deadline in the contest's time zone"),
            "reason": _("the organiser's reason"),
        },
    )
)
