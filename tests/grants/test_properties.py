"""Random sequences of grant and tranche operations never exceed the budget or a grant."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django_fsm import TransitionNotAllowed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.exceptions import TransitionRefused
from grants import selectors, services
from grants.models import Disbursement, Grant

from .conftest import IBAN, World, pdf

cents = st.integers(min_value=-100, max_value=6_000_000).map(lambda c: Decimal(c) / 100)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("offer"), cents),
        st.tuples(st.just("terminate"), st.integers(0, 9)),
        st.tuples(st.just("tranche"), st.integers(0, 9), cents),
        st.tuples(st.just("share"), st.integers(0, 9), st.integers(1, 120)),
        st.tuples(st.just("cancel"), st.integers(0, 30)),
        st.tuples(st.just("pay"), st.integers(0, 30)),
    ),
    max_size=14,
)
EXPECTED = (ValidationError, TransitionRefused, TransitionNotAllowed)


def pick(items: list, index: int):
    return items[index % len(items)] if items else None


def run(world: World, ops: list[tuple]) -> None:
    grants: list[Grant] = []
    tranches: list[Disbursement] = []
    for op in ops:
        try:
            if op[0] == "offer":
                grant = world.offer(str(op[1]), application=world.awarded())
                services.update_bank_details(
                    grant, by=world.officer, payee_name="ПБ", payee_bank="Б", payee_iban=IBAN
                )
                services.sign_agreement(
                    grant, by=world.officer, signed_copy=pdf(), signed_on=date(2025, 1, 2)
                )
                grants.append(services.activate_grant(Grant.objects.get(pk=grant.pk), by=world.officer))
            elif op[0] == "terminate" and grants:
                services.terminate_grant(
                    Grant.objects.get(pk=pick(grants, op[1]).pk), by=world.officer, note="Так"
                )
            elif op[0] in ("tranche", "share") and grants:
                grant = pick(grants, op[1])
                amount = {"amount": op[2]} if op[0] == "tranche" else {"percentage": op[2]}
                tranches.append(
                    services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 1, 1), **amount)
                )
            elif op[0] == "cancel" and tranches:
                services.cancel_tranche(pick(tranches, op[1]), by=world.officer)
            elif op[0] == "pay" and tranches:
                tranche = Disbursement.objects.get(pk=pick(tranches, op[1]).pk)
                if tranche.state == Disbursement.State.SCHEDULED:
                    services.approve_tranche(tranche, by=world.officer)
                services.pay_tranche(
                    tranche,
                    by=world.officer,
                    idempotency_key=f"k{tranche.pk}",
                    payment_reference="P",
                    paid_on=date(2025, 1, 1),
                )
        except EXPECTED:
            pass
        check_invariants(world)


def check_invariants(world: World) -> None:
    budget = selectors.budget_of(world.contest)
    assert budget.committed <= budget.total
    assert budget.paid <= budget.committed
    for grant in Grant.objects.filter(contest=world.contest):
        live = grant.tranches.exclude(state=Disbursement.State.CANCELLED).aggregate(s=Sum("amount"))["s"] or 0
        assert live <= grant.amount
        if grant.state == Grant.State.TERMINATED:
            assert not grant.tranches.filter(state__in=Disbursement.OPEN_STATES).exists()


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_random_operations_keep_the_money_invariants(ops):
    with transaction.atomic():
        world = World()
        run(world, ops)
        transaction.set_rollback(True)
