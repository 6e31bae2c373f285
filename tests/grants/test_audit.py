"""The audit chain: append-only at the database, tampering detected and named."""

from datetime import date
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from grants import audit, services
from grants.models import AuditEntry


@pytest.fixture
def history(world, time_machine):
    time_machine.move_to("2025-06-01 09:00Z")
    grant = world.active("1000.00")
    tranche = services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 2, 1), amount="400")
    services.approve_tranche(tranche, by=world.officer)
    services.pay_tranche(
        tranche, by=world.officer, idempotency_key="k", payment_reference="P", paid_on=date(2025, 3, 1)
    )
    return grant


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def without_audit_triggers(fn) -> None:
    """Tamper as an attacker with database rights would; the test's transaction restores all."""
    if connection.vendor == "postgresql":
        raw("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks, or ALTER TABLE refuses
        raw("ALTER TABLE grants_auditentry DISABLE TRIGGER audit_append_only")
    else:
        raw("DROP TRIGGER audit_append_only_update")
        raw("DROP TRIGGER audit_append_only_delete")
    fn()


def test_every_money_movement_and_transition_is_chained(history):
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "grant.offered",
        "grant.bank_details",
        "grant.agreement_signed",
        "grant.activated",
        "tranche.scheduled",
        "tranche.approved",
        "tranche.paid",
    ]
    entries = list(AuditEntry.objects.order_by("pk"))
    assert entries[0].prev_hash == AuditEntry.GENESIS
    assert all(b.prev_hash == a.hash for a, b in pairwise(entries))
    assert str(entries[-1].amount) == "400.00" and entries[-1].actor_id is not None
    out = StringIO()
    call_command("verify_grant_audit", stdout=out)
    assert "7 entries" in out.getvalue()


def test_entries_cannot_be_changed_or_deleted(history):
    entry = AuditEntry.objects.order_by("pk").first()
    with pytest.raises(IntegrityError, match="audit_append_only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="grant.nothing")
    with pytest.raises(IntegrityError, match="audit_append_only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_two_entries_cannot_share_a_predecessor(history):
    last = AuditEntry.objects.order_by("-pk").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.create(
            grant=history, at=last.at, action="forged", prev_hash=last.prev_hash, hash="f" * 64
        )


def test_tampered_amount_is_named(history):
    paid = AuditEntry.objects.get(action="tranche.paid")
    without_audit_triggers(lambda: raw("UPDATE grants_auditentry SET amount = 4000 WHERE id = %s", [paid.pk]))
    result = audit.verify_chain()
    assert not result.ok and result.broken.pk == paid.pk and "content" in result.problem
    with pytest.raises(CommandError, match=f"entry {paid.pk}"):
        call_command("verify_grant_audit")


def test_deleted_entry_breaks_the_link_after_it(history):
    entries = list(AuditEntry.objects.order_by("pk"))
    without_audit_triggers(lambda: raw("DELETE FROM grants_auditentry WHERE id = %s", [entries[2].pk]))
    result = audit.verify_chain()
    assert result.broken.pk == entries[3].pk and "link" in result.problem and result.checked == 2


def test_rehashed_entry_still_breaks_the_next_link(history):
    entries = list(AuditEntry.objects.order_by("pk"))
    target = entries[1]
    target.payload = {"forged": True}
    forged_hash = audit.entry_hash(target)
    without_audit_triggers(
        lambda: raw(
            "UPDATE grants_auditentry SET payload = %s, hash = %s WHERE id = %s",
            ['{"forged": true}', forged_hash, target.pk],
        )
    )
    assert audit.verify_chain().broken.pk == entries[2].pk


def test_management_command_exit_code(history):
    """A broken chain makes the command fail (CommandError: exit status 1 from the shell)."""
    first = AuditEntry.objects.order_by("pk").first()
    without_audit_triggers(lambda: raw("UPDATE grants_auditentry SET action = 'x' WHERE id = %s", [first.pk]))
    with pytest.raises(CommandError) as error:
        call_command("verify_grant_audit")
    assert error.value.returncode == 1
