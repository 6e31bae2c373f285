from django.utils.translation import gettext_lazy as _

from notifications.events import Event, register

EVENT_PLACEHOLDERS = {
    "event": _("the event's title"),
    "starts": _("when the event starts"),
    "place": _("where the event takes place"),
    "case": _("the case's title"),
    "organisation": _("the invited organisation"),
    "link": _("where the invitation is answered or seen"),
}

INVITED = register(
    Event(
        "congress.invited",
        _("A library was invited to present its case at an event"),
        mandatory=True,
        placeholders={
            **EVENT_PLACEHOLDERS,
            "respond_by": _("the deadline for an answer"),
            "topic": _("the topic"),
        },
    )
)
ANSWER_DUE = register(
    Event(
        "congress.answer_due",
        _("An invitation to present still waits for the library's answer"),
        mandatory=True,
        placeholders={**EVENT_PLACEHOLDERS, "respond_by": _("the deadline for an answer")},
    )
)
ANSWERED = register(
    Event(
        "congress.answered",
        _("A library answered an invitation to present (to the event's organisers)"),
        placeholders={
            **EVENT_PLACEHOLDERS,
            "answer": _("confirmed or declined"),
            "reason": _("the reason given for declining"),
        },
    )
)
WITHDRAWN = register(
    Event(
        "congress.withdrawn",
        _("The organisers withdrew an invitation to present"),
        mandatory=True,
        placeholders={**EVENT_PLACEHOLDERS, "note": _("the organisers' note")},
    )
)
