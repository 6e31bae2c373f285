"""Racing writers on PostgreSQL (real threads, each with its own connection): the budget and the
grants' totals still hold, and a payment is recorded once."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.exceptions import TransitionRefused
from grants import selectors, services
from grants.audit import verify_chain
from grants.models import AuditEntry, Disbursement, Grant
from tests.races import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_64_racing_offers_never_exceed_the_budget(world, postgres_only):
    applications = [world.awarded() for _ in range(64)]  # budget 100 000: room for 50 of 2 000

    def offer(application):
        return lambda: world.offer("2000.00", application=application)

    results = run_together(*(offer(a) for a in applications))

    won = [r for r in results if isinstance(r, Grant)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(won) == 50 and len(refused) == 14, [
        r for r in results if not isinstance(r, Grant | ValidationError)
    ]
    budget = selectors.budget_of(world.contest)
    assert budget.committed == Decimal("100000.00") and budget.remaining == 0
    assert verify_chain().ok and AuditEntry.objects.filter(action="grant.offered").count() == 50


def test_racing_tranches_never_exceed_the_grant(world, postgres_only, time_machine):
    time_machine.move_to("2025-06-01 09:00Z")
    grant = world.offer("1000.00")

    def schedule():
        return services.schedule_tranche(
            grant, by=world.officer, planned_on=date(2025, 5, 1), amount="100.00"
        )

    results = run_together(*(schedule for _ in range(16)))

    assert sum(isinstance(r, Disbursement) for r in results) == 10
    assert all(isinstance(r, Disbursement | ValidationError) for r in results), results
    assert selectors.grant_totals(grant)["unplanned"] == Decimal("0.00")


def test_racing_payments_pay_once(world, postgres_only, time_machine):
    time_machine.move_to("2025-06-01 09:00Z")
    grant = world.active("1000.00")
    tranche = services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 5, 1), amount="600.00")
    services.approve_tranche(tranche, by=world.officer)

    def pay(key: str):
        return lambda: services.pay_tranche(
            tranche, by=world.officer, idempotency_key=key, payment_reference="PP-9", paid_on=date(2025, 5, 2)
        )

    same = run_together(*(pay("same-key") for _ in range(8)))
    assert all(isinstance(r, Disbursement) and r.pk == tranche.pk for r in same), same
    different = run_together(*(pay(f"key-{i}") for i in range(8)))
    assert all(isinstance(r, TransitionRefused) for r in different), different
    assert Disbursement.objects.get(pk=tranche.pk).idempotency_key == "same-key"
    assert AuditEntry.objects.filter(action="tranche.paid").count() == 1
    assert selectors.budget_of(world.contest).paid == Decimal("600.00")
    assert verify_chain().ok
