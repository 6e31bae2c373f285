"""The congress steps (core.steps): an event's and an invitation's."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from congress import services
from congress.models import Event, Invitation
from core.steps import Catalogue, NoInput, NoteInput, Step
from core.strict import RefuseUnknownFieldsMixin


class CongressDeclineInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(
        label=_("Reason"),
        max_length=2000,
        help_text=_("Why your library cannot present (required); the organisers read it."),
        style={"base_template": "textarea.html"},
    )


EVENT = Catalogue(
    Event,
    [
        Step(
            "publish",
            services.publish_event,
            "congress.publish_event",
            _("Publish the programme"),
            help=_("The event and its confirmed presenters appear on the public programme page."),
            problems=Event.publish_problems,
        ),
        Step("finish", services.finish_event, "congress.finish_event", _("Mark the event as finished")),
        Step(
            "unpublish",
            services.unpublish_event,
            "congress.unpublish_event",
            _("Take the programme off the site"),
            danger=True,
        ),
    ],
    url_name="congress:event_step",
)

INVITATION = Catalogue(
    Invitation,
    [
        Step(
            "confirm",
            services.confirm_invitation,
            "congress.answer_invitation",
            _("Confirm: we will present"),
            NoInput,
        ),
        Step(
            "decline",
            services.decline_invitation,
            "congress.answer_invitation",
            _("Decline"),
            CongressDeclineInput,
        ),
        Step(
            "withdraw",
            services.withdraw_invitation,
            "congress.withdraw_invitation",
            _("Withdraw the invitation"),
            NoteInput,
            confirm=_("The library is told that it no longer presents."),
            danger=True,
        ),
    ],
    url_name="congress:invitation_step",
)
