"""The event's presenters for its organisers, as CSV or XLSX (core.exports' writers, so every
text cell is formula-safe). Contacts are the organisation's official e-mail and phone, never a
person's."""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.regions import Region
from congress import selectors
from congress.models import Event
from congress.services import local_text


@dataclass
class PresentersSheet:
    event: Event

    def headers(self) -> list[str]:
        return [
            _("Place in the programme"),
            _("Answer"),
            _("Time slot"),
            _("Topic"),
            _("Case number"),
            _("Case"),
            _("Public page"),
            _("Organisation"),
            _("Region"),
            _("Settlement"),
            _("Contact e-mail"),
            _("Contact phone"),
            _("Answer by"),
            _("Reason for declining"),
        ]

    def batches(self) -> Iterator[list[list[Any]]]:
        yield list(self.rows())

    def rows(self) -> Iterator[list[Any]]:
        regions = dict(Region.choices)
        for invitation in selectors.presenters(self.event):
            organisation = invitation.organisation
            practice = invitation.practice
            yield [
                Decimal(invitation.position),  # the writers keep Decimals as numbers
                invitation.get_state_display(),
                local_text(invitation.slot_starts_at, self.event),
                invitation.topic,
                Decimal(practice.pk),
                practice.title,
                settings.SITE_URL + reverse("depository:detail", args=[practice.pk]),
                organisation.name,
                str(regions.get(organisation.region, organisation.region)),
                organisation.settlement,
                organisation.email,
                organisation.phone,
                local_text(invitation.respond_by, self.event),
                invitation.decline_reason,
            ]


def filename(event: Event, extension: str) -> str:
    return f"event-{event.pk}-presenters.{extension}"
