"""The work plan as an XLSX workbook: the calendar plan (activities × months, as the source
documents print it) and the project card with its funding sources."""

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _

from core import xlsx
from core.exports import XLSX_TYPE
from grants.models import Grant, PlanActivity
from grants.workplan_selectors import card_of, funding_of, plan_table

MARK = "■"


def month_label(month) -> str:
    return f"{month:%m.%Y}"


def plan_rows(grant: Grant) -> list[list]:
    table = plan_table(grant)
    header = [
        _("No."),
        _("Activity"),
        _("Responsible"),
        _("Deadline"),
        _("State"),
        *(month_label(m) for m in table.months),
    ]
    rows = [header]
    for number, row in enumerate(table.rows, start=1):
        activity = row.activity
        rows.append(
            [
                number,
                activity.title,
                activity.responsible,
                activity.deadline,
                str(activity.get_state_display()),
                *(MARK if cell else "" for cell in row.cells),
            ]
        )
    return rows


def card_rows(grant: Grant) -> list[list]:
    card = card_of(grant)
    rows: list[list] = [
        [_("Project"), grant.application.title],
        [_("Organiser"), card.organiser],
        [_("Project manager"), card.manager_name],
        [_("Position"), card.manager_position],
        [_("Contact"), card.manager_contact],
        [_("Starts"), grant.starts_on],
        [_("Ends"), grant.ends_on],
        [],
        [_("Funding source"), _("Amount"), _("Currency")],
    ]
    rows += [[s.name, s.amount, s.currency] for s in funding_of(grant)]
    return rows


def work_plan_xlsx(grant: Grant) -> bytes:
    target = io.BytesIO()
    xlsx.write_workbook(target, [(_("Work plan"), plan_rows(grant)), (_("Project card"), card_rows(grant))])
    return target.getvalue()


def work_plan_response(grant: Grant) -> HttpResponse:
    response = HttpResponse(work_plan_xlsx(grant), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="grant-{grant.pk}-work-plan.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


class EvidenceFile:
    """An activity's evidence, as the downloads serve files (file, original name, kind)."""

    def __init__(self, activity: PlanActivity) -> None:
        self.pk = activity.pk
        self.file = activity.evidence_file
        self.original_name = activity.evidence_name or "evidence"
        self.kind = activity.evidence_kind
