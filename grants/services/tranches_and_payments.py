"""A grant's tranches: planning them within the grant, approving, paying (idempotently), cancelling."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.models import User
from core import clock, hooks
from core.exceptions import TransitionRefused
from core.formats import date_value, money_value
from core.fsm import apply_transition
from core.money import format_money
from grants import audit, events
from grants.models import Disbursement, Grant, GrantReport
from grants.services.common import _lock_grant, _notify_grantee, _notify_officers, _within_grant, money


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
        # A tranche awaits approval by a grant officer: the others hear of it.
        _notify_officers(
            grant,
            events.TRANCHE_AWAITS_APPROVAL.key,
            {"amount": money_value(amount, grant.currency), "planned_on": date_value(planned_on)},
            f"tranche-scheduled:{tranche.pk}",
            besides=by,
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
            if tranche.grant.bank_details_confirmed_by_id == by.pk:
                # Separated duties: whoever vouched for changed bank details does not also pay.
                raise TransitionRefused(
                    [_("You confirmed the changed bank details: another grant officer records this payment.")]
                )
            tranche.idempotency_key = key
            tranche.payment_reference = payment_reference.strip()
            tranche.paid_on = paid_on
            tranche.paid_by = by
            apply_transition(tranche, "pay", by=by, note=note)
            grant = tranche.grant
            if grant.bank_details_confirmed_by_id is not None:
                # The payment after a confirmed change is made: the next ones need no second look.
                grant.bank_details_confirmed_by = None
                grant.save(update_fields=["bank_details_confirmed_by", "updated_at"])
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
                    "amount": money_value(tranche.amount, grant.currency),
                    "paid_on": date_value(paid_on),
                    "reference": tranche.payment_reference,
                },
                f"tranche-paid:{tranche.pk}",
            )
            hooks.publish("tranche.paid", Disbursement, [tranche.pk])
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
