"""The list of cases selected for presentation at a conference, as CSV or XLSX.

Written by core.exports' writers, so every text cell is formula-safe.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.regions import Region
from contests.models import Contest
from depository import selectors
from depository.models import Practice


@dataclass
class PresentationSheet:
    contest: Contest
    request: HttpRequest

    def headers(self) -> list[str]:
        return [
            _("Case number"),
            _("Registration number"),
            _("Title"),
            _("Organisation"),
            _("Region"),
            _("Settlement"),
            _("Nomination"),
            _("Winner"),
            _("Publication"),
            _("Public page"),
            _("Contact e-mail"),
            _("Note on the presentation"),
        ]

    def batches(self) -> Iterator[list[list[Any]]]:
        yield list(self.rows())

    def rows(self) -> Iterator[list[Any]]:
        regions = dict(Region.choices)
        for practice in selectors.presentation_list(self.contest):
            application = practice.application
            organisation = application.organisation
            public = practice.state == Practice.State.PUBLISHED
            url = self.request.build_absolute_uri(reverse("depository:detail", args=[practice.number]))
            yield [
                Decimal(practice.number),  # the writers keep Decimals as numbers, other values as text
                application.number,
                practice.title or application.title,
                organisation.name,
                str(regions.get(organisation.region, organisation.region)),
                organisation.settlement,
                practice.nomination.title,
                _("Yes") if application.state == application.State.AWARDED else _("No"),
                practice.get_state_display(),
                url if public else "",
                str((application.answers or {}).get("case_contact_email", "")),
                practice.presentation_note,
            ]


def filename(contest: Contest, extension: str) -> str:
    return f"contest-{contest.pk}-presentations.{extension}"
