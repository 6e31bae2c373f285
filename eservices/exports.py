"""Totals by region as CSV or XLSX (core.exports' writers: every text cell formula-safe)."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from eservices.selectors import RegionTotal, totals_by_region


@dataclass
class TotalsSheet:
    totals: list[RegionTotal] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    @classmethod
    def build(cls) -> "TotalsSheet":
        totals, years = totals_by_region()
        return cls(totals, years)

    def headers(self) -> list[str]:
        people = [_("People helped in %(year)s") % {"year": year} for year in self.years]
        return [_("Region"), _("E-services"), _("Organisations"), *people, _("People helped, all years")]

    def batches(self) -> Iterator[list[list[Any]]]:
        yield list(self.rows())

    def rows(self) -> Iterator[list[Any]]:
        for total in self.totals:  # Decimals: the writers keep them as numbers
            yield [
                total.label,
                Decimal(total.services),
                Decimal(total.organisations),
                *(Decimal(total.people_by_year.get(year, 0)) for year in self.years),
                Decimal(total.people_total),
            ]


def filename(extension: str) -> str:
    return f"e-services-by-region.{extension}"
