"""Money invariants kept by the database itself, written for PostgreSQL and SQLite (as review's
0002): whatever code path writes, the grants of a contest stay within its budget, a grant's live
tranches within the grant, a paid tranche never changes or disappears, and the audit log is
append-only. The services also lock the owning row (contest, grant) so racing writers queue
instead of failing here; these triggers are the guarantee, not the everyday path.

SQLite stores decimals as floating point, so its sums are rounded to cents before comparing.
"""

from django.db import migrations

from core.triggers import vendor_sql

# Committed money of a contest: every grant not terminated, plus what terminated grants paid.
PG_COMMITTED = """
    (SELECT COALESCE(SUM(g.amount), 0) FROM grants_grant g
     WHERE g.contest_id = {contest} AND g.state <> 'terminated' AND g.id <> {exclude})
  + (SELECT COALESCE(SUM(d.amount), 0) FROM grants_disbursement d
     JOIN grants_grant g ON g.id = d.grant_id
     WHERE g.contest_id = {contest} AND g.state = 'terminated' AND d.state = 'paid' AND g.id <> {exclude})
"""

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION grants_refuse_over_budget() RETURNS trigger AS $$
BEGIN
    -- Only a change that can raise the committed sum is checked, so a budget lowered later
    -- does not block unrelated updates (signing, terminating).
    IF NEW.state <> 'terminated'
        AND (TG_OP = 'INSERT' OR NEW.amount > OLD.amount OR OLD.state = 'terminated')
        AND {PG_COMMITTED.format(contest="NEW.contest_id", exclude="NEW.id")}
        + NEW.amount > (SELECT c.grant_budget FROM contests_contest c WHERE c.id = NEW.contest_id)
    THEN
        RAISE EXCEPTION 'grant_within_budget: the grants of contest % would exceed its budget',
            NEW.contest_id USING ERRCODE = '23514';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.amount < (
        SELECT COALESCE(SUM(d.amount), 0) FROM grants_disbursement d
        WHERE d.grant_id = NEW.id AND d.state <> 'cancelled'
    ) THEN
        RAISE EXCEPTION 'grant_covers_tranches: grant % is smaller than its tranches', NEW.id
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER grant_within_budget BEFORE INSERT OR UPDATE ON grants_grant
    FOR EACH ROW EXECUTE FUNCTION grants_refuse_over_budget();

CREATE OR REPLACE FUNCTION grants_refuse_tranche_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.state = 'paid' THEN
            RAISE EXCEPTION 'tranche_paid_immutable: tranche % is paid and cannot be deleted', OLD.id
                USING ERRCODE = '23514';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.state = 'paid' AND (
        NEW.state IS DISTINCT FROM OLD.state OR NEW.amount IS DISTINCT FROM OLD.amount
        OR NEW.grant_id IS DISTINCT FROM OLD.grant_id OR NEW.paid_on IS DISTINCT FROM OLD.paid_on
        OR NEW.payment_reference IS DISTINCT FROM OLD.payment_reference
        OR NEW.idempotency_key IS DISTINCT FROM OLD.idempotency_key
    ) THEN
        RAISE EXCEPTION 'tranche_paid_immutable: tranche % is paid and cannot change', OLD.id
            USING ERRCODE = '23514';
    END IF;
    IF NEW.state <> 'cancelled' AND NEW.amount + (
        SELECT COALESCE(SUM(d.amount), 0) FROM grants_disbursement d
        WHERE d.grant_id = NEW.grant_id AND d.state <> 'cancelled' AND d.id <> NEW.id
    ) > (SELECT g.amount FROM grants_grant g WHERE g.id = NEW.grant_id) THEN
        RAISE EXCEPTION 'tranches_within_grant: the tranches of grant % would exceed it', NEW.grant_id
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER tranches_within_grant BEFORE INSERT OR UPDATE OR DELETE ON grants_disbursement
    FOR EACH ROW EXECUTE FUNCTION grants_refuse_tranche_change();

CREATE OR REPLACE FUNCTION grants_refuse_audit_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_append_only: audit entries cannot be changed or deleted'
        USING ERRCODE = '23514';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON grants_auditentry
    FOR EACH ROW EXECUTE FUNCTION grants_refuse_audit_change();
"""

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS audit_append_only ON grants_auditentry;
DROP FUNCTION IF EXISTS grants_refuse_audit_change();
DROP TRIGGER IF EXISTS tranches_within_grant ON grants_disbursement;
DROP FUNCTION IF EXISTS grants_refuse_tranche_change();
DROP TRIGGER IF EXISTS grant_within_budget ON grants_grant;
DROP FUNCTION IF EXISTS grants_refuse_over_budget();
"""

SQLITE_COMMITTED = """
    (SELECT COALESCE(SUM(g.amount), 0) FROM grants_grant g
     WHERE g.contest_id = NEW.contest_id AND g.state <> 'terminated' AND g.id IS NOT NEW.id)
  + (SELECT COALESCE(SUM(d.amount), 0) FROM grants_disbursement d
     JOIN grants_grant g ON g.id = d.grant_id
     WHERE g.contest_id = NEW.contest_id AND g.state = 'terminated' AND d.state = 'paid'
       AND g.id IS NOT NEW.id)
"""


def _sqlite_budget(event: str) -> str:
    raising = "" if event == "INSERT" else "AND (NEW.amount > OLD.amount OR OLD.state = 'terminated')"
    return f"""
CREATE TRIGGER grant_within_budget_{event.lower()} BEFORE {event} ON grants_grant
WHEN NEW.state <> 'terminated' {raising} AND ROUND({SQLITE_COMMITTED} + NEW.amount, 2)
    > (SELECT c.grant_budget FROM contests_contest c WHERE c.id = NEW.contest_id)
BEGIN SELECT RAISE(ABORT, 'grant_within_budget: the grants would exceed the contest''s budget'); END;
"""


SQLITE_GRANT_COVERS = """
CREATE TRIGGER grant_covers_tranches BEFORE UPDATE ON grants_grant
WHEN NEW.amount < ROUND((SELECT COALESCE(SUM(d.amount), 0) FROM grants_disbursement d
                         WHERE d.grant_id = NEW.id AND d.state <> 'cancelled'), 2)
BEGIN SELECT RAISE(ABORT, 'grant_covers_tranches: the grant is smaller than its tranches'); END;
"""


def _sqlite_tranches(event: str) -> str:
    return f"""
CREATE TRIGGER tranches_within_grant_{event.lower()} BEFORE {event} ON grants_disbursement
WHEN NEW.state <> 'cancelled' AND ROUND(NEW.amount + (
    SELECT COALESCE(SUM(d.amount), 0) FROM grants_disbursement d
    WHERE d.grant_id = NEW.grant_id AND d.state <> 'cancelled' AND d.id IS NOT NEW.id), 2)
    > (SELECT g.amount FROM grants_grant g WHERE g.id = NEW.grant_id)
BEGIN SELECT RAISE(ABORT, 'tranches_within_grant: the tranches would exceed the grant'); END;
"""


SQLITE_PAID = [
    """
CREATE TRIGGER tranche_paid_immutable_update BEFORE UPDATE ON grants_disbursement
WHEN OLD.state = 'paid' AND (
    NEW.state IS NOT OLD.state OR NEW.amount IS NOT OLD.amount OR NEW.grant_id IS NOT OLD.grant_id
    OR NEW.paid_on IS NOT OLD.paid_on OR NEW.payment_reference IS NOT OLD.payment_reference
    OR NEW.idempotency_key IS NOT OLD.idempotency_key)
BEGIN SELECT RAISE(ABORT, 'tranche_paid_immutable: a paid tranche cannot change'); END;
""",
    """
CREATE TRIGGER tranche_paid_immutable_delete BEFORE DELETE ON grants_disbursement
WHEN OLD.state = 'paid'
BEGIN SELECT RAISE(ABORT, 'tranche_paid_immutable: a paid tranche cannot be deleted'); END;
""",
]

SQLITE_AUDIT = [
    f"""
CREATE TRIGGER audit_append_only_{event.lower()} BEFORE {event} ON grants_auditentry
BEGIN SELECT RAISE(ABORT, 'audit_append_only: audit entries cannot be changed or deleted'); END;
"""
    for event in ("UPDATE", "DELETE")
]

SQLITE_UP = [
    *(_sqlite_budget(e) for e in ("INSERT", "UPDATE")),
    SQLITE_GRANT_COVERS,
    *(_sqlite_tranches(e) for e in ("INSERT", "UPDATE")),
    *SQLITE_PAID,
    *SQLITE_AUDIT,
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "grant_within_budget_insert",
        "grant_within_budget_update",
        "grant_covers_tranches",
        "tranches_within_grant_insert",
        "tranches_within_grant_update",
        "tranche_paid_immutable_update",
        "tranche_paid_immutable_delete",
        "audit_append_only_update",
        "audit_append_only_delete",
    )
]


class Migration(migrations.Migration):
    dependencies = [("grants", "0001_initial")]

    operations = [
        vendor_sql(
            postgres_up=POSTGRES_UP, postgres_down=POSTGRES_DOWN, sqlite_up=SQLITE_UP, sqlite_down=SQLITE_DOWN
        )
    ]
