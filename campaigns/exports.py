"""The campaign's reports as CSV or XLSX (core.exports): one row per organisation, its state,
lateness, answers (one column per question) and indicator figures (one column per indicator)."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from applications.answers import display_answer
from campaigns.models import REGION_LABELS, TIME_ZONE, Campaign, CampaignReport, IndicatorActual
from core import clock
from core.exports import Batched, chunked, csv_sheet_response, xlsx_sheet_response


@dataclass
class ReportsSheet(Batched):
    campaign: Campaign

    def __post_init__(self) -> None:
        self.questions = [q for q in self.campaign.questions.all() if q.field_type != q.Type.FILE]
        self.indicators = list(self.campaign.indicators.all())

    def headers(self) -> list[str]:
        return [
            _("Organisation"),
            _("Region"),
            _("State"),
            _("Late"),
            _("Submitted (%(zone)s)") % {"zone": TIME_ZONE},
            *[q.label for q in self.questions],
            *[str(i) for i in self.indicators],
            _("What to correct"),
        ]

    def batches(self) -> Iterator[list[list[Any]]]:
        states = dict(CampaignReport.State.choices)
        past_due = clock.now() > self.campaign.due_at
        reports = self.campaign.reports.select_related("organisation").order_by("organisation__name", "pk")
        for batch in chunked(reports.iterator(chunk_size=500)):
            figures: dict[tuple[int, int], Any] = {
                (report_id, indicator_id): value
                for report_id, indicator_id, value in IndicatorActual.objects.filter(
                    report__in=[r.pk for r in batch]
                ).values_list("report_id", "indicator_id", "value")
            }
            yield [
                [
                    r.organisation.name,
                    str(REGION_LABELS.get(r.organisation.region, r.organisation.region)),
                    str(states.get(r.state, r.state)),
                    _("Yes") if past_due and r.state in CampaignReport.OPEN_STATES else _("No"),
                    clock.local(r.submitted_at, TIME_ZONE).replace(tzinfo=None) if r.submitted_at else None,
                    *[display_answer((r.answers or {}).get(q.key)) for q in self.questions],
                    *[figures.get((r.pk, i.pk)) for i in self.indicators],
                    r.return_note,
                ]
                for r in batch
            ]


def sheet_response(campaign: Campaign, fmt: str) -> StreamingHttpResponse | FileResponse:
    sheet = ReportsSheet(campaign)
    filename = f"campaign-{campaign.pk}-reports.{fmt}"
    if fmt == "csv":
        return csv_sheet_response(sheet, filename)
    return xlsx_sheet_response(sheet, filename, _("Reports"))
