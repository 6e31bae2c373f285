"""The awards' steps (core.steps): a proposed winner's approval or withdrawal; and the contest's
steps the awards own, the decision and the announcement of the results."""

from django.utils.translation import gettext_lazy as _

from awards import services
from awards.models import Decision
from contests.steps import CONTEST
from core.steps import Catalogue, NoInput, Step

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
        help=_("The winners are chosen, not yet public."),
    )
)
CONTEST.register(
    Step(
        "announce",
        services.announce,
        "contests.announce_contest",
        _("Announce the results"),
        help=_("Make the results public."),
        confirm=_("Every applicant is told the outcome and the results become public."),
    )
)
