"""A grant's life as a whole: offering it within the contest's budget, its terms and budget
lines, the signed agreement, activation, completion, termination (the payee's bank details:
grants.services.bank_details)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import Application
from contests.models import Contest
from core import hooks
from core.files import DOCUMENT_TYPES
from core.formats import money_value
from core.fsm import apply_transition
from core.money import format_money
from grants import audit, events
from grants.models import BudgetLine, Disbursement, Grant, GrantReport
from grants.selectors import budget_of
from grants.services.common import _lock_contest, _lock_grant, _notify_grantee, _store, money
from grants.services.reports_and_indicators import schedule_reports

AGREEMENT_TYPES = DOCUMENT_TYPES
AGREEMENT_MAX_MB = 20


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
            {"amount": money_value(amount, grant.currency)},
            f"grant-offered:{grant.pk}",
        )
        hooks.publish("grant.offered", Grant, [grant.pk])
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


# --- budget lines ----------------------------------------------------------------------------


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
