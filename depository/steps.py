"""The depository's steps (core.steps): publishing a case and withdrawing it."""

from django.utils.translation import gettext_lazy as _

from core.steps import Catalogue, Step
from depository import services
from depository.models import Practice

PRACTICE = Catalogue(
    Practice,
    [
        Step("publish", services.publish, "depository.change_practice", _("Publish the case")),
        Step(
            "withdraw", services.withdraw, "depository.change_practice", _("Withdraw the case"), danger=True
        ),
    ],
    url_name="depository:transition",
    url_arg="number",
)
