"""Database guarantees: checks, uniqueness, triggers (SQLite here; PostgreSQL in CI's pass)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from grants import services
from grants.iban import iban_checksum_ok, make_ua_iban, normalise_iban, validate_ua_iban
from grants.models import Disbursement, Grant

from .conftest import END, START


def test_iban_checksum():
    iban = make_ua_iban("322001", "26007233566001")
    assert len(iban) == 29 and iban_checksum_ok(iban)
    validate_ua_iban(iban)
    validate_ua_iban(" ".join(iban[i : i + 4] for i in range(0, 29, 4)).lower())
    assert normalise_iban(" ua 21 ") == "UA21"


@pytest.mark.parametrize(
    "bad",
    ["", "UA123", "DE89370400440532013000", "UA2132200100000260072335660", "UA213220010000026007233566001Z"],
)
def test_iban_refused(bad):
    with pytest.raises(ValidationError):
        validate_ua_iban(bad)


def test_iban_typo_is_caught():
    iban = make_ua_iban("322001", "26007233566001")
    typo = iban[:-1] + ("2" if iban[-1] != "2" else "3")
    with pytest.raises(ValidationError, match="check digits"):
        validate_ua_iban(typo)


def test_one_grant_per_application(world):
    world.offer("1000.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.create(
            contest=world.contest,
            application=world.application,
            amount=Decimal("1.00"),
            purpose="x",
            starts_on=START,
            ends_on=END,
        )


@pytest.mark.parametrize(
    ("amount", "starts", "ends"),
    [
        (Decimal("0"), START, END),
        (Decimal("-5"), START, END),
        (Decimal("10"), END, START),
        (Decimal("10"), START, START),
    ],
)
def test_grant_checks(world, amount, starts, ends):
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.create(
            contest=world.contest,
            application=world.application,
            amount=amount,
            purpose="x",
            starts_on=starts,
            ends_on=ends,
        )


def test_budget_trigger_refuses_direct_insert_over_budget(world):
    world.offer("90000.00")
    with pytest.raises(IntegrityError, match="grant_within_budget"), transaction.atomic():
        Grant.objects.create(
            contest=world.contest,
            application=world.awarded(),
            amount=Decimal("10000.01"),
            purpose="x",
            starts_on=START,
            ends_on=END,
        )


def test_tranche_trigger_refuses_direct_insert_over_grant(world):
    grant = world.offer("1000.00")
    Disbursement.objects.create(grant=grant, planned_on=START, amount=Decimal("0.10"))
    Disbursement.objects.create(grant=grant, planned_on=START, amount=Decimal("0.20"))
    Disbursement.objects.create(grant=grant, planned_on=START, amount=Decimal("999.70"))  # exactly the grant
    with pytest.raises(IntegrityError, match="tranches_within_grant"), transaction.atomic():
        Disbursement.objects.create(grant=grant, planned_on=START, amount=Decimal("0.01"))


def test_grant_cannot_shrink_below_its_tranches(world):
    grant = world.offer("1000.00")
    Disbursement.objects.create(grant=grant, planned_on=START, amount=Decimal("600.00"))
    with pytest.raises(IntegrityError, match="grant_covers_tranches"), transaction.atomic():
        Grant.objects.filter(pk=grant.pk).update(amount=Decimal("500.00"))


def test_paid_tranche_is_immutable_and_undeletable(world, time_machine):
    time_machine.move_to("2025-03-01 10:00Z")
    grant = world.active("1000.00")
    tranche = services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 2, 1), amount="500")
    services.approve_tranche(tranche, by=world.officer)
    services.pay_tranche(
        tranche, by=world.officer, idempotency_key="k", payment_reference="PP-1", paid_on=date(2025, 2, 2)
    )
    for change in ({"amount": Decimal("1.00")}, {"state": "cancelled"}, {"payment_reference": "PP-2"}):
        with pytest.raises(IntegrityError, match="tranche_paid_immutable"), transaction.atomic():
            Disbursement.objects.filter(pk=tranche.pk).update(**change)
    with pytest.raises(IntegrityError, match="tranche_paid_immutable"), transaction.atomic():
        Disbursement.objects.filter(pk=tranche.pk).delete()
    # Fields that are not the payment may still change (e.g. the planned date's note).
    Disbursement.objects.filter(pk=tranche.pk).update(cancel_reason="")


def test_paid_tranche_needs_its_payment(world):
    grant = world.offer("1000.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.create(grant=grant, planned_on=START, amount=Decimal("1.00"), state="paid")


def test_terminated_grant_needs_a_reason(world):
    grant = world.offer("1000.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.filter(pk=grant.pk).update(state="terminated")
