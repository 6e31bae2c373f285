"""The awards' steps (core.steps): a proposed winner's approval or withdrawal; and the contest's
steps the awards own, the decision and the announcement of the results."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from awards import services
from awards.models import Decision
from contests.steps import CONTEST
from core.steps import Catalogue, NoInput, NoteInput, Step


class ConfirmUnfinishedInput(NoteInput):
    """The decision's and the announcement's input: with reviews not submitted or entries not
    screened, the step runs only with `confirm_unfinished` and a `reason` (else 409 listing what
    is unfinished; a confirmation without a reason is 400)."""

    confirm_unfinished = serializers.BooleanField(
        label=_("I know some work is unfinished and want to go ahead"),
        help_text=_("Needed only while reviews, approvals or screening are unfinished."),
        required=False,
        default=False,
    )
    reason = serializers.CharField(
        label=_("Reason for going ahead with unfinished work"),
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        style={"base_template": "textarea.html"},
    )


DECISION = Catalogue(
    Decision,
    [
        Step("approve", services.approve, "awards.approve_decision", _("Approve"), NoInput),
        Step("withdraw", services.withdraw, "awards.withdraw_decision", _("Withdraw"), NoInput, danger=True),
    ],
    url_name="awards:decision_step",
)

CONTEST.register(
    Step(
        "decide",
        services.decide,
        "contests.decide_contest",
        _("Record the decision"),
        ConfirmUnfinishedInput,
        help=_("The winners are chosen, not yet public."),
    )
)
CONTEST.register(
    Step(
        "announce",
        services.announce,
        "contests.announce_contest",
        _("Announce the results"),
        ConfirmUnfinishedInput,
        help=_("Make the results public."),
        confirm=_("Every applicant is told the outcome and the results become public."),
    )
)
