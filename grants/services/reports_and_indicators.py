"""The grantee's reports (their schedule, drafts, files, submission and review) and the
contest's indicators with each grant's targets."""

import hashlib
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from applications.services import safe_display_name
from contests.models import Contest
from core import hooks, versioning
from core.files import DOCUMENT_TYPES, JPEG, PNG, XLSX, validate_upload
from core.formats import date_value
from core.fsm import apply_transition
from grants import audit, events
from grants.models import (
    Disbursement,
    Grant,
    GrantReport,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    ReportAttachment,
    Spending,
)
from grants.services.common import MB, _lock_grant, _notify_grantee, _notify_officers, money
from grants.services.tranches_and_payments import _approve

REPORT_FILE_TYPES = (*DOCUMENT_TYPES, XLSX, JPEG, PNG)
REPORT_FILE_MAX_MB = 20
# Interim reports fall due on these (month, day) every year the grant runs; the final report
# covers the grant to its end and falls due this many days after it.
INTERIM_DUE_DATES = ((3, 20), (10, 20))
FINAL_REPORT_DAYS = 30


def report_due_dates(starts_on: date, ends_on: date) -> list[tuple[str, date, date, date]]:
    """(kind, period start, period end, due date) of every report a grant owes."""
    plan = []
    period_start = starts_on
    for year in range(starts_on.year, ends_on.year + 1):
        for month, day in INTERIM_DUE_DATES:
            due = date(year, month, day)
            if starts_on < due < ends_on:
                plan.append((GrantReport.Kind.INTERIM, period_start, due, due))
                period_start = due + timedelta(days=1)
    plan.append((GrantReport.Kind.FINAL, starts_on, ends_on, ends_on + timedelta(days=FINAL_REPORT_DAYS)))
    return plan


def schedule_reports(grant: Grant) -> list[GrantReport]:
    """Create the grant's reports: interim ones on fixed dates each year (20 March, 20 October),
    the final one covering the whole grant. Idempotent: existing reports are kept."""
    existing = set(grant.reports.values_list("kind", "due_on"))
    created = [
        GrantReport(grant=grant, kind=kind, period_start=start, period_end=end, due_on=due)
        for kind, start, end, due in report_due_dates(grant.starts_on, grant.ends_on)
        if (kind, due) not in existing
    ]
    GrantReport.objects.bulk_create(created)
    return list(grant.reports.order_by("due_on", "pk"))


def _open_report(report: GrantReport) -> GrantReport:
    report = (
        GrantReport.objects.select_for_update(of=("self",)).select_related("grant__contest").get(pk=report.pk)
    )
    if report.state not in GrantReport.OPEN_STATES:
        raise ValidationError(_("This report is submitted; it changes only if changes are requested."))
    return report


def save_report(
    report: GrantReport,
    *,
    by: User,
    narrative: str | None = None,
    actuals: Mapping[int, Any] | None = None,
    spending: Mapping[int, Any] | None = None,
) -> GrantReport:
    """The grantee's draft of a report: narrative, indicator actuals, spending per budget line."""
    with transaction.atomic():
        report = _open_report(report)
        grant = report.grant
        if narrative is not None:
            report.narrative = narrative
        if actuals:
            indicators = set(Indicator.objects.filter(contest=grant.contest_id).values_list("pk", flat=True))
            for indicator_id, value in actuals.items():
                if int(indicator_id) not in indicators:
                    raise ValidationError({"actuals": _("Choose an indicator of this contest.")})
                IndicatorActual.objects.update_or_create(
                    report=report,
                    indicator_id=int(indicator_id),
                    defaults={"value": money(value, "actuals", allow_zero=True)},
                )
                versioning.touch(report, f"actuals.{int(indicator_id)}", by=by)
        if spending:
            lines = set(grant.budget_lines.values_list("pk", flat=True))
            for line_id, value in spending.items():
                if int(line_id) not in lines:
                    raise ValidationError({"spending": _("Choose a budget line of this grant.")})
                Spending.objects.update_or_create(
                    report=report,
                    line_id=int(line_id),
                    defaults={"amount": money(value, "spending", allow_zero=True)},
                )
                versioning.touch(report, f"spending.{int(line_id)}", by=by)
        versioning.touch(report, by=by)
        report.save(update_fields=["narrative", "updated_at"])  # and its version (core.versioning)
    return report


def add_report_attachment(report: GrantReport, *, by: User, upload: UploadedFile) -> ReportAttachment:
    """A file of a report, checked by content with the applications' checks."""
    with transaction.atomic():
        report = _open_report(report)
        kind = validate_upload(upload, REPORT_FILE_TYPES, REPORT_FILE_MAX_MB * MB)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        attachment = ReportAttachment(
            report=report,
            original_name=safe_display_name(upload.name or ""),
            kind=kind,
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=by,
        )
        attachment.file.save(upload.name or "file", upload, save=False)
        attachment.save()
    return attachment


def submit_report(report: GrantReport, *, by: User, note: str = "") -> GrantReport:
    with transaction.atomic():
        report = GrantReport.objects.select_for_update(of=("self",)).select_related("grant").get(pk=report.pk)
        apply_transition(report, "submit", by=by, note=note)
        report.submitted_at, report.submitted_by = report.updated_at, by
        report.save(update_fields=["submitted_at", "submitted_by"])
        audit.record(report.grant, "report.submitted", actor=by, report=report.pk)
        # Each submission is its own occasion (a resubmission after changes is work again).
        count = report.grant.audit_entries.filter(
            action="report.submitted", payload__report=report.pk
        ).count()
        _notify_officers(
            report.grant,
            events.REPORT_SUBMITTED.key,
            {**_report_context(report), "submitted_by": by.get_full_name() or by.email},
            f"report-submitted:{report.pk}:{count}",
            besides=by,
        )
        hooks.publish("report.submitted", GrantReport, [report.pk])
    return report


def _reviewed(report: GrantReport, by: User) -> None:
    report.reviewed_at, report.reviewed_by = report.updated_at, by
    report.save(update_fields=["reviewed_at", "reviewed_by"])


def _report_context(report: GrantReport) -> dict[str, Any]:
    return {"kind": report.get_kind_display(), "due": date_value(report.due_on)}


def accept_report(report: GrantReport, *, by: User, note: str = "") -> GrantReport:
    """Accept a report. The scheduled tranches waiting on it are approved with it, by the same
    grant officer (when the grant is active), so accepting releases the money in one step."""
    with transaction.atomic():
        grant = _lock_grant(report.grant_id)
        report = GrantReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
        report.grant = grant
        apply_transition(report, "accept", by=by, note=note)
        _reviewed(report, by)
        audit.record(grant, "report.accepted", actor=by, report=report.pk)
        if grant.state == Grant.State.ACTIVE:
            for tranche in report.waiting_tranches.filter(state=Disbursement.State.SCHEDULED).order_by("pk"):
                tranche.grant, tranche.after_report = grant, report
                _approve(tranche, by, _("Released by the accepted report."))
        _notify_grantee(
            grant, events.REPORT_ACCEPTED.key, _report_context(report), f"report-accepted:{report.pk}"
        )
        hooks.publish("report.accepted", GrantReport, [report.pk])
    return report


def request_report_changes(report: GrantReport, *, by: User, note: str = "") -> GrantReport:
    with transaction.atomic():
        report = GrantReport.objects.select_for_update(of=("self",)).select_related("grant").get(pk=report.pk)
        apply_transition(report, "request_changes", by=by, note=note)
        _reviewed(report, by)
        audit.record(
            report.grant, "report.changes_requested", actor=by, report=report.pk, note=report.review_note
        )
        # Each request is its own occasion: the count of earlier requests tells them apart.
        count = report.grant.audit_entries.filter(
            action="report.changes_requested", payload__report=report.pk
        ).count()
        _notify_grantee(
            report.grant,
            events.CHANGES_REQUESTED.key,
            {**_report_context(report), "note": report.review_note},
            f"report-changes:{report.pk}:{count}",
        )
    return report


# --- indicators --------------------------------------------------------------------------------


def add_indicator(
    contest: Contest, *, by: User, name: str, unit: str, direction: str = Indicator.Direction.HIGHER
) -> Indicator:
    """A measure of the contest's results; higher is better unless `direction` says otherwise
    (the model's default, so a body without it is complete)."""
    errors = {}
    if not name.strip():
        errors["name"] = _("Name the indicator.")
    if not unit.strip():
        errors["unit"] = _("Give the unit it is measured in.")
    if direction not in Indicator.Direction.values:
        errors["direction"] = _("Choose whether higher or lower is better.")
    if Indicator.objects.filter(contest=contest, name=name.strip()).exists():
        errors["name"] = _("This contest already has an indicator with this name.")
    if errors:
        raise ValidationError(errors)
    order = Indicator.objects.filter(contest=contest).count()
    return Indicator.objects.create(
        contest=contest, name=name.strip(), unit=unit.strip(), direction=direction, order=order
    )


def set_target(
    grant: Grant,
    *,
    by: User,
    indicator: Indicator,
    value: Any,
    period_end: date | None = None,
    year: int | None = None,
) -> IndicatorTarget:
    """A grant's target for an indicator over the reporting period ending on `period_end`, or over
    the calendar `year` (one of the grant's years); setting it again replaces it."""
    if indicator.contest_id != grant.contest_id:
        raise ValidationError({"indicator": _("Choose an indicator of this grant's contest.")})
    if (period_end is None) == (year is None):
        raise ValidationError(
            {"period_end": _("Give either a reporting period or a calendar year for the target, not both.")}
        )
    if period_end is not None and not grant.reports.filter(period_end=period_end).exists():
        raise ValidationError({"period_end": _("Choose the end of one of the grant's reporting periods.")})
    if year is not None and not grant.starts_on.year <= year <= grant.ends_on.year:
        raise ValidationError(
            {
                "year": _("Choose a year of the grant: %(first)s–%(last)s.")
                % {"first": grant.starts_on.year, "last": grant.ends_on.year}
            }
        )
    target, _created = IndicatorTarget.objects.update_or_create(
        grant=grant,
        indicator=indicator,
        period_end=period_end,
        year=year,
        defaults={"value": money(value, "value", allow_zero=True)},
    )
    return target
