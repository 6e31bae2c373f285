"""Writes of the grants: offering, the agreement, tranches and payments, reports, indicators.

Every money movement and transition is written to the audit chain in the same transaction.
Invariants over many rows take a row lock on their owner first: the contest row for its budget,
the grant row for its tranches. Web views, the API and tasks all call these functions.
"""

import hashlib
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import Application
from applications.services import safe_display_name
from contests.models import Contest
from contests.services import scope_of
from core import clock
from core.exceptions import TransitionRefused
from core.files import DOCUMENT_TYPES, JPEG, PNG, XLSX, generated_name, validate_upload
from core.fsm import apply_transition
from core.money import format_money
from grants import audit, events
from grants.iban import normalise_iban, validate_ua_iban
from grants.models import (
    BudgetLine,
    Disbursement,
    Grant,
    GrantReport,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    ReportAttachment,
    Spending,
)
from grants.selectors import budget_of
from notifications.services import notify

MB = 1024 * 1024
AGREEMENT_TYPES = DOCUMENT_TYPES
AGREEMENT_MAX_MB = 20
REPORT_FILE_TYPES = (*DOCUMENT_TYPES, XLSX, JPEG, PNG)
REPORT_FILE_MAX_MB = 20
# Interim reports fall due on these (month, day) every year the grant runs; the final report
# covers the grant to its end and falls due this many days after it.
INTERIM_DUE_DATES = ((3, 20), (10, 20))
FINAL_REPORT_DAYS = 30


# --- helpers ----------------------------------------------------------------------------------


def _lock_contest(contest_id: int) -> Contest:
    # The contest row owns the budget: every write of its grants queues here.
    return Contest.objects.select_for_update().get(pk=contest_id)


def _lock_grant(grant_id: int) -> Grant:
    # The grant row owns its tranches' total; `of` keeps the lock off the joined contest.
    return Grant.objects.select_for_update(of=("self",)).select_related("contest").get(pk=grant_id)


def money(value: Any, field: str, *, allow_zero: bool = False) -> Decimal:
    """A positive amount with at most two decimal places, or a field error."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter an amount such as 1250.50.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Enter an amount such as 1250.50.")})
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError({field: _("Amounts have at most two decimal places (kopiyky).")})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: _("The amount must be more than zero.")})
    if amount >= Decimal("1e12"):
        raise ValidationError({field: _("This amount is too large.")})
    return amount


def _grantee_users(grant: Grant) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organisation_id=grant.application.organisation_id, is_active=True
        ).order_by("pk")
    )


def _context(grant: Grant) -> dict[str, Any]:
    application = grant.application
    return {
        "contest": grant.contest.title,
        "application": application.title,
        "organisation": application.organisation.name,
        "link": settings.SITE_URL + f"/grants/{grant.pk}/",
    }


def _notify_grantee(grant: Grant, event: str, extra: dict, dedupe_key: str) -> None:
    notify(
        event,
        _grantee_users(grant),
        {**_context(grant), **extra},
        dedupe_key=dedupe_key,
        scope=scope_of(grant.contest),
    )


def _store(upload: UploadedFile, allowed: tuple[str, ...], max_mb: int, folder: str) -> tuple[str, str]:
    """Check an upload by content (the applications' checks) and return (kind, storage name)."""
    kind = validate_upload(upload, allowed, max_mb * MB)
    return kind, generated_name(folder, upload.name or "", kind)


def _within_grant(grant: Grant, day: date, field: str) -> None:
    if not grant.starts_on <= day <= grant.ends_on:
        raise ValidationError(
            {
                field: _("The date must lie within the grant (%(start)s – %(end)s).")
                % {"start": grant.starts_on.strftime("%d.%m.%Y"), "end": grant.ends_on.strftime("%d.%m.%Y")}
            }
        )


# --- grants -----------------------------------------------------------------------------------


def offer_problems(contest: Contest, application: Application, amount: Decimal) -> dict[str, str]:
    """Field errors that keep `application` from a grant of `amount` (contest row locked)."""
    if application.contest_id != contest.pk:
        return {"application": _("Choose an application of this contest.")}
    if application.state != Application.State.AWARDED:
        return {"application": _("Only awarded applications receive grants.")}
    if Grant.objects.filter(application=application).exists():
        return {"application": _("This application already has a grant.")}
    remaining = budget_of(contest).remaining
    if amount > remaining:
        return {
            "amount": _("The contest's budget has %(remaining)s left.")
            % {"remaining": format_money(remaining, contest.currency)}
        }
    return {}


def offer_grant(
    application: Application,
    *,
    by: User,
    amount: Any,
    purpose: str,
    starts_on: date,
    ends_on: date,
    currency: str | None = None,
    agreement_draft: UploadedFile | None = None,
) -> Grant:
    """Offer a grant to an awarded application, within the contest's budget; reports scheduled."""
    amount = money(amount, "amount")
    if not purpose.strip():
        raise ValidationError({"purpose": _("Say what the grant is for.")})
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": _("The grant must end after it starts.")})
    with transaction.atomic():
        contest = _lock_contest(application.contest_id)
        if (currency or contest.currency) != contest.currency:
            raise ValidationError(
                {"currency": _("This contest's grants are in %(currency)s.") % {"currency": contest.currency}}
            )
        application = Application.objects.select_related("organisation").get(pk=application.pk)
        if problems := offer_problems(contest, application, amount):
            raise ValidationError(problems)
        grant = Grant(
            contest=contest,
            application=application,
            amount=amount,
            currency=contest.currency,
            purpose=purpose.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=by,
        )
        if agreement_draft is not None:
            _kind, name = _store(agreement_draft, AGREEMENT_TYPES, AGREEMENT_MAX_MB, "grants/agreements")
            grant.agreement_draft.save(name, agreement_draft, save=False)
        grant.save()
        audit.record(grant, "grant.offered", actor=by, amount=amount, application=application.pk)
        schedule_reports(grant)
        _notify_grantee(
            grant,
            events.OFFERED.key,
            {"amount": format_money(amount, grant.currency)},
            f"grant-offered:{grant.pk}",
        )
    return grant


def update_grant(grant: Grant, *, by: User, **fields: Any) -> Grant:
    """Change an offered grant's terms (amount, dates, purpose); reports are rescheduled."""
    with transaction.atomic():
        _lock_contest(grant.contest_id)
        grant = _lock_grant(grant.pk)
        if grant.state != Grant.State.OFFERED:
            raise ValidationError(_("The terms change only while the grant is offered."))
        old_amount = grant.amount
        if "amount" in fields:
            grant.amount = money(fields["amount"], "amount")
            headroom = budget_of(grant.contest).remaining + old_amount
            if grant.amount > headroom:
                raise ValidationError(
                    {
                        "amount": _("The contest's budget has %(remaining)s left.")
                        % {"remaining": format_money(headroom, grant.currency)}
                    }
                )
            planned = grant.tranches.exclude(state=Disbursement.State.CANCELLED).aggregate(s=Sum("amount"))[
                "s"
            ]
            if planned and grant.amount < planned:
                raise ValidationError({"amount": _("The grant cannot be less than its tranches.")})
        if "purpose" in fields:
            if not str(fields["purpose"]).strip():
                raise ValidationError({"purpose": _("Say what the grant is for.")})
            grant.purpose = str(fields["purpose"]).strip()
        dates_changed = False
        for name in ("starts_on", "ends_on"):
            if name in fields and fields[name] != getattr(grant, name):
                setattr(grant, name, fields[name])
                dates_changed = True
        if grant.ends_on <= grant.starts_on:
            raise ValidationError({"ends_on": _("The grant must end after it starts.")})
        grant.save()
        if grant.amount != old_amount:
            audit.record(
                grant, "grant.amount_changed", actor=by, amount=grant.amount, previous=str(old_amount)
            )
        if dates_changed:
            # Reports nobody has started and nothing waits on are re-planned for the new dates.
            grant.reports.filter(state=GrantReport.State.DUE, waiting_tranches__isnull=True).delete()
            schedule_reports(grant)
            audit.record(
                grant, "grant.dates_changed", actor=by, starts_on=grant.starts_on, ends_on=grant.ends_on
            )
    return grant


def upload_agreement_draft(grant: Grant, *, by: User, upload: UploadedFile) -> Grant:
    with transaction.atomic():
        grant = _lock_grant(grant.pk)
        if grant.state != Grant.State.OFFERED:
            raise ValidationError(_("The draft agreement changes only while the grant is offered."))
        _kind, name = _store(upload, AGREEMENT_TYPES, AGREEMENT_MAX_MB, "grants/agreements")
        grant.agreement_draft.save(name, upload, save=False)
        grant.save(update_fields=["agreement_draft", "updated_at"])
        audit.record(grant, "grant.draft_uploaded", actor=by, file=grant.agreement_draft.name)
    return grant


def update_bank_details(
    grant: Grant, *, by: User, payee_name: str, payee_bank: str, payee_iban: str
) -> Grant:
    """The payee's bank details, IBAN checked by its checksum. Logged with a masked IBAN."""
    iban = normalise_iban(payee_iban)
    try:
        validate_ua_iban(iban)
    except ValidationError as error:
        raise ValidationError({"payee_iban": error.messages}) from None
    errors = {}
    if not payee_name.strip():
        errors["payee_name"] = _("Give the payee's name.")
    if not payee_bank.strip():
        errors["payee_bank"] = _("Give the bank's name.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        grant = _lock_grant(grant.pk)
        if grant.state not in Grant.LIVE_STATES:
            raise ValidationError(_("This grant is closed; its bank details no longer change."))
        grant.payee_name, grant.payee_bank, grant.payee_iban = payee_name.strip(), payee_bank.strip(), iban
        grant.save(update_fields=["payee_name", "payee_bank", "payee_iban", "updated_at"])
        audit.record(grant, "grant.bank_details", actor=by, iban_ending=iban[-4:], payee=grant.payee_name)
    return grant


def sign_agreement(
    grant: Grant,
    *,
    by: User,
    signed_copy: UploadedFile | None = None,
    signed_on: date | None = None,
    note: str = "",
) -> Grant:
    """Record the signed agreement (file and date) and move the grant to agreement_signed."""
    with transaction.atomic():
        grant = _lock_grant(grant.pk)
        if signed_copy is not None:
            _kind, name = _store(signed_copy, AGREEMENT_TYPES, AGREEMENT_MAX_MB, "grants/agreements")
            grant.agreement_signed.save(name, signed_copy, save=False)
        if signed_on is not None:
            grant.signed_on = signed_on
        apply_transition(grant, "sign_agreement", by=by, note=note)
        audit.record(grant, "grant.agreement_signed", actor=by, signed_on=grant.signed_on, note=note)
    return grant


def activate_grant(grant: Grant, *, by: User, note: str = "") -> Grant:
    with transaction.atomic():
        grant = _lock_grant(grant.pk)
        apply_transition(grant, "activate", by=by, note=note)
        audit.record(grant, "grant.activated", actor=by, note=note)
    return grant


def complete_grant(grant: Grant, *, by: User, note: str = "") -> Grant:
    with transaction.atomic():
        grant = _lock_grant(grant.pk)
        apply_transition(grant, "complete", by=by, note=note)
        paid = grant.tranches.filter(state=Disbursement.State.PAID).aggregate(s=Sum("amount"))["s"]
        audit.record(grant, "grant.completed", actor=by, amount=paid or Decimal(0), note=note)
    return grant


def terminate_grant(grant: Grant, *, by: User, note: str = "") -> Grant:
    """End a grant early, with a reason; its unpaid tranches are cancelled with it."""
    with transaction.atomic():
        _lock_contest(grant.contest_id)
        grant = _lock_grant(grant.pk)
        apply_transition(grant, "terminate", by=by, note=note)
        for tranche in grant.tranches.filter(state__in=Disbursement.OPEN_STATES).order_by("pk"):
            tranche.grant = grant
            apply_transition(tranche, "cancel", by=by, note=_("The grant was terminated."))
            audit.record(grant, "tranche.cancelled", actor=by, amount=tranche.amount, tranche=tranche.pk)
        audit.record(
            grant, "grant.terminated", actor=by, amount=grant.amount, reason=grant.termination_reason
        )
    return grant


# --- tranches ---------------------------------------------------------------------------------


def schedule_tranche(
    grant: Grant,
    *,
    by: User,
    planned_on: date,
    amount: Any = None,
    percentage: Any = None,
    after_report: GrantReport | None = None,
) -> Disbursement:
    """Plan a tranche, by amount or as a share of the grant; the grant's tranches never exceed it."""
    if (amount is None) == (percentage is None):
        raise ValidationError({"amount": _("Give either an amount or a percentage of the grant.")})
    with transaction.atomic():
        grant = _lock_grant(grant.pk)
        if grant.state not in Grant.LIVE_STATES:
            raise ValidationError(_("Tranches are planned while the grant runs."))
        share = None
        if percentage is not None:
            share = money(percentage, "percentage")
            if share > 100:
                raise ValidationError({"percentage": _("A share is at most 100%.")})
            amount = (grant.amount * share / 100).quantize(Decimal("0.01"))
            if amount <= 0:
                raise ValidationError({"percentage": _("This share of the grant is less than a kopiyka.")})
        amount = money(amount, "amount")
        _within_grant(grant, planned_on, "planned_on")
        if after_report is not None and after_report.grant_id != grant.pk:
            raise ValidationError({"after_report": _("Choose a report of this grant.")})
        planned = grant.tranches.exclude(state=Disbursement.State.CANCELLED).aggregate(s=Sum("amount"))["s"]
        left = grant.amount - (planned or Decimal(0))
        if amount > left:
            raise ValidationError(
                {
                    "amount": _("Only %(left)s of the grant is not yet planned in tranches.")
                    % {"left": format_money(left, grant.currency)}
                }
            )
        tranche = Disbursement.objects.create(
            grant=grant, planned_on=planned_on, amount=amount, percentage=share, after_report=after_report
        )
        audit.record(
            grant,
            "tranche.scheduled",
            actor=by,
            amount=amount,
            tranche=tranche.pk,
            planned_on=planned_on,
            after_report=after_report.pk if after_report else None,
        )
    return tranche


def _locked_tranche(tranche: Disbursement) -> Disbursement:
    grant = _lock_grant(tranche.grant_id)
    found = Disbursement.objects.select_related("after_report").get(pk=tranche.pk)
    found.grant = grant
    return found


def approve_tranche(tranche: Disbursement, *, by: User, note: str = "") -> Disbursement:
    with transaction.atomic():
        tranche = _locked_tranche(tranche)
        _approve(tranche, by, note)
    return tranche


def _approve(tranche: Disbursement, by: User, note: str) -> None:
    apply_transition(tranche, "approve", by=by, note=note)
    tranche.approved_by = by
    tranche.approved_at = tranche.updated_at
    tranche.save(update_fields=["approved_by", "approved_at"])
    audit.record(tranche.grant, "tranche.approved", actor=by, amount=tranche.amount, tranche=tranche.pk)


def pay_tranche(
    tranche: Disbursement,
    *,
    by: User,
    idempotency_key: str,
    payment_reference: str,
    paid_on: date,
    note: str = "",
) -> Disbursement:
    """Record the payment of an approved tranche. Retrying with the same key returns the same
    payment and pays nothing twice; another key for a paid tranche is refused (409)."""
    key = idempotency_key.strip()
    if not key:
        raise ValidationError({"idempotency_key": _("Give an idempotency key for the payment.")})
    if not payment_reference.strip():
        raise ValidationError({"payment_reference": _("Give the payment's reference.")})
    try:
        with transaction.atomic():
            tranche = _locked_tranche(tranche)
            earlier = Disbursement.objects.filter(idempotency_key=key).first()
            if earlier is not None:
                if earlier.pk == tranche.pk:
                    return earlier  # a retry of the payment already recorded
                raise TransitionRefused([_("This idempotency key was used for another payment.")])
            if tranche.state == Disbursement.State.PAID:
                raise TransitionRefused([_("This tranche is already paid.")])
            if paid_on < tranche.grant.starts_on:
                raise ValidationError({"paid_on": _("A payment cannot precede the grant's start.")})
            if paid_on > clock.local(clock.now(), tranche.grant.contest.time_zone).date():
                raise ValidationError({"paid_on": _("A payment is recorded once it is made, not ahead.")})
            tranche.idempotency_key = key
            tranche.payment_reference = payment_reference.strip()
            tranche.paid_on = paid_on
            tranche.paid_by = by
            apply_transition(tranche, "pay", by=by, note=note)
            grant = tranche.grant
            audit.record(
                grant,
                "tranche.paid",
                actor=by,
                amount=tranche.amount,
                tranche=tranche.pk,
                reference=tranche.payment_reference,
                paid_on=paid_on,
                key=key,
            )
            _notify_grantee(
                grant,
                events.TRANCHE_PAID.key,
                {
                    "amount": format_money(tranche.amount, grant.currency),
                    "paid_on": paid_on.strftime("%d.%m.%Y"),
                    "reference": tranche.payment_reference,
                },
                f"tranche-paid:{tranche.pk}",
            )
    except IntegrityError:
        # A racing request with the same key won the unique column: return what it recorded.
        earlier = Disbursement.objects.filter(idempotency_key=key).first()
        if earlier is not None and earlier.pk == tranche.pk:
            return earlier
        raise
    return tranche


def cancel_tranche(tranche: Disbursement, *, by: User, note: str = "") -> Disbursement:
    with transaction.atomic():
        tranche = _locked_tranche(tranche)
        apply_transition(tranche, "cancel", by=by, note=note)
        audit.record(tranche.grant, "tranche.cancelled", actor=by, amount=tranche.amount, tranche=tranche.pk)
    return tranche


# --- reports ----------------------------------------------------------------------------------


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
            report.save(update_fields=["narrative", "updated_at"])
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
    return report


def _reviewed(report: GrantReport, by: User) -> None:
    report.reviewed_at, report.reviewed_by = report.updated_at, by
    report.save(update_fields=["reviewed_at", "reviewed_by"])


def _report_context(report: GrantReport) -> dict[str, Any]:
    return {"kind": report.get_kind_display(), "due": report.due_on.strftime("%d.%m.%Y")}


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


# --- budget lines and indicators -------------------------------------------------------------


def add_budget_line(grant: Grant, *, by: User, title: str, planned: Any, order: int = 0) -> BudgetLine:
    planned = money(planned, "planned", allow_zero=True)
    if not title.strip():
        raise ValidationError({"title": _("Name the budget line.")})
    with transaction.atomic():
        grant = _lock_grant(grant.pk)
        if grant.state not in Grant.LIVE_STATES:
            raise ValidationError(_("This grant is closed."))
        total = grant.budget_lines.aggregate(s=Sum("planned"))["s"] or Decimal(0)
        if total + planned > grant.amount:
            raise ValidationError({"planned": _("The budget lines together cannot exceed the grant.")})
        if grant.budget_lines.filter(title=title.strip()).exists():
            raise ValidationError({"title": _("This grant already has a line with this name.")})
        return BudgetLine.objects.create(grant=grant, title=title.strip(), planned=planned, order=order)


def add_indicator(contest: Contest, *, by: User, name: str, unit: str, direction: str) -> Indicator:
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
    grant: Grant, *, by: User, indicator: Indicator, period_end: date, value: Any
) -> IndicatorTarget:
    """A grant's target for an indicator over the reporting period ending on `period_end`."""
    if indicator.contest_id != grant.contest_id:
        raise ValidationError({"indicator": _("Choose an indicator of this grant's contest.")})
    if not grant.reports.filter(period_end=period_end).exists():
        raise ValidationError({"period_end": _("Choose the end of one of the grant's reporting periods.")})
    target, _created = IndicatorTarget.objects.update_or_create(
        grant=grant,
        indicator=indicator,
        period_end=period_end,
        defaults={"value": money(value, "value", allow_zero=True)},
    )
    return target
