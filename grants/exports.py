"""A contest's grants, tranches and reports as CSV (streamed) or XLSX, and a dashboard chart as CSV.

The writers are core.exports': text cells that a spreadsheet
could take for a formula get a leading apostrophe, numbers go out as Decimal. Rows are read as
plain tuples in chunks, so the query count grows with chunks, not rows.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from accounts.regions import Region
from contests.models import Contest
from core.exports import CHUNK, Batched, Sheet, chunked, csv_sheet_response, xlsx_sheet_response
from core.money import quantize
from grants.charts import Chart, number
from grants.dashboards import ZERO, today_in, with_money
from grants.models import Disbursement, Grant, GrantReport

FORMATS = ("csv", "xlsx")


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _chunked(records: QuerySet, convert) -> Iterator[list[list[Any]]]:
    return chunked(map(convert, records.iterator(chunk_size=CHUNK)))


@dataclass
class GrantsSheet(Batched):
    contest: Contest

    @property
    def title(self) -> str:
        return _("Grants")

    def headers(self) -> list[str]:
        return [
            _("Registration number"),
            _("Project title"),
            _("Organisation"),
            _("Region"),
            _("State"),
            _("Amount"),
            _("Paid"),
            _("Remaining"),
            _("Currency"),
            _("Starts"),
            _("Ends"),
            _("Overdue reports"),
            _("Reason for termination"),
        ]

    def batches(self) -> Iterator[list[list[Any]]]:
        regions, states = _labels(Region.choices), _labels(Grant.State.choices)
        records = (
            with_money(Grant.objects.filter(contest=self.contest), today_in(self.contest))
            .order_by("application__number", "pk")
            .values_list(
                "application__number",
                "application__title",
                "application__organisation__name",
                "application__organisation__region",
                "state",
                "amount",
                "paid",
                "currency",
                "starts_on",
                "ends_on",
                "overdue",
                "termination_reason",
            )
        )

        def row(record: tuple) -> list[Any]:
            number, title, name, region, state, amount, paid, currency, starts, ends, overdue, reason = record
            paid = quantize(paid or ZERO)  # SQLite's SUM drops the two places
            committed = paid if state == Grant.State.TERMINATED else amount
            return [
                number,
                title,
                name,
                regions.get(region, region),
                states.get(state, state),
                amount,
                paid,
                committed - paid,
                currency,
                starts.isoformat(),
                ends.isoformat(),
                Decimal(overdue),
                reason,
            ]

        return _chunked(records, row)


@dataclass
class TranchesSheet(Batched):
    contest: Contest

    @property
    def title(self) -> str:
        return _("Tranches")

    def headers(self) -> list[str]:
        return [
            _("Registration number"),
            _("Organisation"),
            _("Planned date"),
            _("Amount"),
            _("Currency"),
            _("State"),
            _("Paid on"),
            _("Payment reference"),
            _("Reason for cancelling"),
        ]

    def batches(self) -> Iterator[list[list[Any]]]:
        states = _labels(Disbursement.State.choices)
        records = (
            Disbursement.objects.filter(grant__contest=self.contest)
            .order_by("grant__application__number", "planned_on", "pk")
            .values_list(
                "grant__application__number",
                "grant__application__organisation__name",
                "planned_on",
                "amount",
                "grant__currency",
                "state",
                "paid_on",
                "payment_reference",
                "cancel_reason",
            )
        )

        def row(record: tuple) -> list[Any]:
            number, name, planned, amount, currency, state, paid_on, reference, reason = record
            return [
                number,
                name,
                planned.isoformat(),
                amount,
                currency,
                states.get(state, state),
                paid_on.isoformat() if paid_on else "",
                reference,
                reason,
            ]

        return _chunked(records, row)


@dataclass
class ReportsSheet(Batched):
    contest: Contest

    @property
    def title(self) -> str:
        return _("Reports")

    def headers(self) -> list[str]:
        return [
            _("Registration number"),
            _("Organisation"),
            _("Kind"),
            _("Period from"),
            _("Period to"),
            _("Due"),
            _("State"),
            _("Overdue"),
            _("Submitted (%(zone)s)") % {"zone": self.contest.time_zone},
            _("What was done"),
            _("Grant officer's note"),
        ]

    def batches(self) -> Iterator[list[list[Any]]]:
        kinds, states = _labels(GrantReport.Kind.choices), _labels(GrantReport.State.choices)
        today = today_in(self.contest)
        records = (
            GrantReport.objects.filter(grant__contest=self.contest)
            .order_by("grant__application__number", "due_on", "pk")
            .values_list(
                "grant__application__number",
                "grant__application__organisation__name",
                "kind",
                "period_start",
                "period_end",
                "due_on",
                "state",
                "submitted_at",
                "narrative",
                "review_note",
            )
        )

        def row(record: tuple) -> list[Any]:
            number, name, kind, start, end, due, state, submitted, narrative, note = record
            overdue = state in GrantReport.OPEN_STATES and due < today
            return [
                number,
                name,
                kinds.get(kind, kind),
                start.isoformat(),
                end.isoformat(),
                due.isoformat(),
                states.get(state, state),
                _("Yes") if overdue else _("No"),
                self.contest.local(submitted).replace(tzinfo=None) if submitted else None,
                narrative,
                note,
            ]

        return _chunked(records, row)


SHEETS: dict[str, type] = {"grants": GrantsSheet, "tranches": TranchesSheet, "reports": ReportsSheet}


def sheet_response(contest: Contest, kind: str, fmt: str) -> StreamingHttpResponse | FileResponse:
    sheet = SHEETS[kind](contest)
    filename = f"contest-{contest.pk}-{kind}.{fmt}"
    if fmt == "csv":
        return csv_sheet_response(sheet, filename)
    return xlsx_sheet_response(sheet, filename, str(sheet.title))


@dataclass
class ChartSheet(Batched):
    chart: Chart

    def headers(self) -> list[str]:
        return [self.chart.label_header, *self.chart.series]

    def batches(self) -> Iterator[list[list[Any]]]:
        # Figures as written on the page (140, not 140.00), still numbers: never neutralised text.
        yield [
            [row.label, *(None if v is None else Decimal(number(v)) for v in row.values)]
            for row in self.chart.rows
        ]


def chart_csv_response(contest: Contest, chart: Chart) -> StreamingHttpResponse:
    sheet: Sheet = ChartSheet(chart)
    return csv_sheet_response(sheet, f"contest-{contest.pk}-grants-{chart.name}.csv")
