"""The analytic report as a workbook: sheets Summary, Figures by region, Indicators by region and
year, Cases. Written by reports.exports.write_workbook (core.xlsx), so every text cell is
neutralised against formulas and numbers go out as Decimal."""

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _

from core.exports import XLSX_TYPE
from reports.analytic_selectors import Figures
from reports.exports import _Rows, write_workbook
from reports.models import AnalyticReport


@dataclass
class SummarySheet(_Rows):
    report: AnalyticReport
    figures: Figures

    def headers(self) -> list[str]:
        return [_("Item"), _("Value")]

    def rows(self) -> Iterator[list[Any]]:
        report = self.report
        yield [_("Title"), report.title]
        yield [_("Campaign") if report.campaign_id else _("Contest"), str(report.subject)]
        yield [_("State"), str(report.get_state_display())]
        yield [_("Summary"), report.summary]
        yield [_("Findings"), report.findings]
        yield [_("Recommendations"), report.recommendations]
        for label, value in self.figures.overview:
            yield [str(label), Decimal(value)]


@dataclass
class RegionsSheet(_Rows):
    figures: Figures

    def headers(self) -> list[str]:
        if self.figures.campaign is not None:
            return [_("Region"), _("Organisations asked"), _("Reports submitted"), _("Reports late")]
        return [
            _("Region"),
            _("Applications submitted"),
            _("Organisations that applied"),
            _("Organisations registered, not applied"),
        ]

    def rows(self) -> Iterator[list[Any]]:
        if self.figures.campaign is not None:
            for row in self.figures.by_region:
                yield [row["region_label"], *(Decimal(row[k]) for k in ("requested", "submitted", "late"))]
            return
        dashboard = self.figures.dashboard
        if dashboard is None:
            return
        reach = {row.key: row.values for row in dashboard.charts["reach"].rows}
        for row in dashboard.charts["regions"].rows:
            applied, rest = reach.get(row.key, (0, 0))
            if row.total or applied or rest:
                yield [row.label, Decimal(row.total), Decimal(applied), Decimal(rest)]


@dataclass
class IndicatorsSheet(_Rows):
    figures: Figures

    def headers(self) -> list[str]:
        return [_("Indicator"), _("Unit"), _("Region"), _("Year"), _("Target"), _("Achieved")]

    def rows(self) -> Iterator[list[Any]]:
        for total in self.figures.totals:
            yield [
                total.indicator,
                total.unit,
                total.region_label,
                Decimal(total.year),
                total.target,
                total.actual,
            ]


@dataclass
class CasesSheet(_Rows):
    cases: list[dict]

    def headers(self) -> list[str]:
        return [_("Number"), _("Title"), _("Organisation"), _("Region"), _("Year"), _("Address")]

    def rows(self) -> Iterator[list[Any]]:
        for case in self.cases:
            practice = case["practice"]
            yield [
                Decimal(practice.pk),
                practice.title,
                practice.organisation_name,
                str(practice.get_region_display()) if practice.region else "",
                Decimal(practice.year) if practice.year else None,
                case["url"],
            ]


def analytic_xlsx_response(context: dict) -> FileResponse:
    report: AnalyticReport = context["report"]
    figures: Figures = context["figures"]
    sheets = [
        (_("Summary"), SummarySheet(report, figures)),
        (_("Figures by region"), RegionsSheet(figures)),
        (_("Indicators by region and year"), IndicatorsSheet(figures)),
        (_("Cases"), CasesSheet(context["cases"])),
    ]
    temporary = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    try:
        write_workbook(sheets, temporary)
        temporary.seek(0)
    except BaseException:
        temporary.close()
        raise
    response = FileResponse(
        temporary, as_attachment=True, filename=f"analytic-report-{report.pk}.xlsx", content_type=XLSX_TYPE
    )
    response["Cache-Control"] = "private, no-store"
    return response
