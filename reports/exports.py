"""A contest's summary as a workbook, and each dashboard chart as CSV.

The CSV goes through core.exports' writer (and its formula-injection guard); the
workbook's sheets through core.xlsx with the same guard: every text cell is `neutralise`d and
stored as text, numbers go out as Decimal.
"""

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from accounts.regions import Region
from applications.models import Application
from contests.models import Contest
from core import xlsx
from core.exports import CHUNK, XLSX_TYPE, Batched, Sheet, chunked, csv_sheet_response, neutralise
from grants.exports import GrantsSheet, ReportsSheet, TranchesSheet
from grants.models import Grant
from reports.selectors import Chart, report_round
from review.models import Round
from review.ranking import rank
from review.selectors import round_applications

SCORE_PLACES = Decimal("0.0001")


def _number(value: float | int | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(SCORE_PLACES) if isinstance(value, float) else Decimal(value)


class _Rows:
    """The batching half of the Sheet protocol, for sheets that build all their rows at once."""

    def batches(self) -> Iterator[list[list[Any]]]:
        yield list(self.rows())


# --- one chart --------------------------------------------------------------------------------


@dataclass
class ChartSheet(_Rows):
    chart: Chart

    def headers(self) -> list[str]:
        return [self.chart.label_header, *self.chart.series]

    def rows(self) -> Iterator[list[Any]]:
        for row in self.chart.rows:
            # A score on a histogram is a number (a negative one must not read as a formula).
            label = (
                Decimal(row.key) if self.chart.kind == "columns" and row.label == str(row.key) else row.label
            )
            yield [label, *(Decimal(value) for value in row.values)]


def chart_csv_response(contest: Contest, chart: Chart) -> StreamingHttpResponse:
    return csv_sheet_response(ChartSheet(chart), f"contest-{contest.pk}-{chart.name}.csv")


# --- the summary workbook -----------------------------------------------------------------------


@dataclass
class ApplicationsSheet(Batched):
    """Every application ever submitted, in number order, read in chunks."""

    contest: Contest

    def headers(self) -> list[str]:
        return [
            _("Registration number"),
            _("Project title"),
            _("Organisation"),
            _("Region"),
            _("Nomination"),
            _("State"),
            _("Submitted (%(zone)s)") % {"zone": self.contest.time_zone},
        ]

    def batches(self) -> Iterator[list[list[Any]]]:
        return chunked(self._rows())

    def _rows(self) -> Iterator[list[Any]]:
        regions = {value: str(label) for value, label in Region.choices}
        states = {value: str(label) for value, label in Application.State.choices}
        records = (
            Application.objects.filter(contest=self.contest)
            .exclude(state=Application.State.DRAFT)
            .order_by("number", "pk")
            .values_list(
                "number",
                "title",
                "organisation__name",
                "organisation__region",
                "nomination__title",
                "state",
                "submitted_at",
            )
        )
        for number, title, organisation, region, nomination, state, submitted in records.iterator(CHUNK):
            local = self.contest.local(submitted).replace(tzinfo=None) if submitted else None
            yield [
                number,
                title,
                organisation,
                regions.get(region, region),
                nomination,
                states.get(state, state),
                local,
            ]


@dataclass
class RankingSheet(_Rows):
    """The round's ranking (review.ranking.rank, the round's own method) with its applications."""

    round: Round

    def headers(self) -> list[str]:
        return [
            _("Position"),
            _("Position in nomination"),
            _("Registration number"),
            _("Project title"),
            _("Organisation"),
            _("Nomination"),
            _("Raw score (mean)"),
            _("Calibrated score"),
            _("Reviews"),
            _("Spread"),
        ]

    def rows(self) -> Iterator[list[Any]]:
        ranking = rank(self.round)
        applications = {
            pk: rest
            for pk, *rest in round_applications(self.round).values_list(
                "pk", "number", "title", "organisation__name", "nomination__title"
            )
        }
        for row in ranking.rows:
            number, title, organisation, nomination = applications[row.application_id]
            yield [
                Decimal(row.position),
                Decimal(row.position_in_nomination),
                number,
                title,
                organisation,
                nomination,
                _number(row.mean),
                _number(row.calibrated),
                Decimal(row.reviews),
                _number(row.spread),
            ]


@dataclass
class WinnersSheet(_Rows):
    contest: Contest

    def headers(self) -> list[str]:
        return [_("Nomination"), _("Registration number"), _("Project title"), _("Organisation"), _("Region")]

    def rows(self) -> Iterator[list[Any]]:
        regions = {value: str(label) for value, label in Region.choices}
        for nomination, number, title, organisation, region in (
            Application.objects.filter(contest=self.contest, state=Application.State.AWARDED)
            .order_by("nomination__order", "nomination_id", "number")
            .values_list("nomination__title", "number", "title", "organisation__name", "organisation__region")
        ):
            yield [nomination, number, title, organisation, regions.get(region, region)]


def grant_sheets(contest: Contest) -> list[tuple[str, Sheet]]:
    """The grants' own export sheets (grants, tranches, reports), when the contest gave grants."""
    if not Grant.objects.filter(contest=contest).exists():
        return []
    return [
        (sheet.title, sheet)
        for sheet in (GrantsSheet(contest), TranchesSheet(contest), ReportsSheet(contest))
    ]


def summary_sheets(contest: Contest) -> list[tuple[str, Sheet]]:
    sheets: list[tuple[str, Sheet]] = [(_("Applications"), ApplicationsSheet(contest))]
    if (round_ := report_round(contest)) is not None:
        sheets.append((_("Ranking"), RankingSheet(round_)))
    if Application.objects.filter(contest=contest, state=Application.State.AWARDED).exists():
        sheets.append((_("Winners"), WinnersSheet(contest)))
    return [*sheets, *grant_sheets(contest)]


def _text_safe(value: Any) -> Any:
    return neutralise(value) if isinstance(value, str) else value


def write_workbook(sheets: list[tuple[str, Sheet]], target) -> None:
    def rows(table: Sheet) -> Iterator[list[Any]]:
        yield [_text_safe(header) for header in table.headers()]
        for batch in table.batches():
            for row in batch:
                yield [_text_safe(value) for value in row]

    xlsx.write_workbook(target, [(title, rows(table)) for title, table in sheets])


def summary_xlsx_response(contest: Contest) -> FileResponse:
    temporary = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    try:
        write_workbook(summary_sheets(contest), temporary)
        temporary.seek(0)
    except BaseException:
        temporary.close()
        raise
    response = FileResponse(
        temporary, as_attachment=True, filename=f"contest-{contest.pk}-summary.xlsx", content_type=XLSX_TYPE
    )
    response["Cache-Control"] = "private, no-store"
    return response
