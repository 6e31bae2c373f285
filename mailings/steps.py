"""The mailing's step (core.steps): sending it. Finishing follows the outbox, not a person."""

from django.utils.translation import gettext_lazy as _

from core.steps import Catalogue, Step
from mailings import services
from mailings.models import Mailing

MAILING = Catalogue(
    Mailing,
    [
        Step(
            "send",
            services.send_mailing,
            "mailings.send_mailing",
            _("Send the mailing"),
            confirm=_("Every recipient in the preview gets it now; a sent mailing cannot be changed."),
            done=_("The mailing is being sent."),
        ),
    ],
    url_name="mailings:step",
)
