"""The contest's steps (core.steps). Review and awards register the steps they own: starting the
review, recording the decision and announcing the results."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from contests import services
from contests.models import Contest
from core.steps import Catalogue, NoteInput, Step


class CloseInput(NoteInput):
    force = serializers.BooleanField(
        label=_("Force: close before the deadline"), required=False, default=False
    )


CONTEST = Catalogue(
    Contest,
    [
        Step(
            "publish",
            services.publish_contest,
            "contests.publish_contest",
            _("Publish the call"),
            help=_("Make the call public."),
            problems=Contest.publish_problems,
        ),
        Step(
            "close",
            services.close_contest,
            "contests.close_contest",
            _("Close the call"),
            CloseInput,
            help=_("Stop accepting applications and start screening."),
        ),
        Step(
            "archive",
            services.archive_contest,
            "contests.archive_contest",
            _("Archive"),
            help=_("Keep the contest for reference only."),
        ),
        Step(
            "cancel",
            services.cancel_contest,
            "contests.cancel_contest",
            _("Cancel the contest"),
            help=_("Stop the contest for good. Give the reason in the note."),
            confirm=_("Everyone with a role in the contest is told; this cannot be undone."),
            danger=True,
        ),
    ],
    url_name="contests:transition",
)
