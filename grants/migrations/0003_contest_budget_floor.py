"""The contest's grant budget never drops below what its grants committed (for PostgreSQL and
SQLite, as 0002): an UPDATE of contests_contest lowering grant_budget under the committed sum is
refused, whatever code path writes. Committed is grants.selectors.budget_of's: every grant not
terminated, plus what terminated grants had already paid.

Contests cannot import grants, so contests.services recognises the refusal by the marker that
starts the message (contests.services.BUDGET_BELOW_COMMITTED, copied here as a literal) and
turns it into a field error on grant_budget.
"""

from django.db import migrations

from core.triggers import vendor_sql

MARKER = "contest_budget_covers_grants"  # = contests.services.BUDGET_BELOW_COMMITTED

COMMITTED = """
    (SELECT COALESCE(SUM(g.amount), 0) FROM grants_grant g
     WHERE g.contest_id = NEW.id AND g.state <> 'terminated')
  + (SELECT COALESCE(SUM(d.amount), 0) FROM grants_disbursement d
     JOIN grants_grant g ON g.id = d.grant_id
     WHERE g.contest_id = NEW.id AND g.state = 'terminated' AND d.state = 'paid')
"""

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION grants_refuse_budget_below_committed() RETURNS trigger AS $$
BEGIN
    -- Only a lowered budget is checked: raising it, or any other change, is never refused.
    IF NEW.grant_budget < OLD.grant_budget AND NEW.grant_budget < ({COMMITTED}) THEN
        RAISE EXCEPTION '{MARKER}: the grant budget of contest % is below what its grants committed',
            NEW.id USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER {MARKER} BEFORE UPDATE OF grant_budget ON contests_contest
    FOR EACH ROW EXECUTE FUNCTION grants_refuse_budget_below_committed();
"""

POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS {MARKER} ON contests_contest;
DROP FUNCTION IF EXISTS grants_refuse_budget_below_committed();
"""

# SQLite keeps decimals as floating point: both sides are rounded to cents before comparing.
SQLITE_UP = f"""
CREATE TRIGGER {MARKER} BEFORE UPDATE OF grant_budget ON contests_contest
WHEN ROUND(NEW.grant_budget, 2) < ROUND(OLD.grant_budget, 2)
    AND ROUND(NEW.grant_budget, 2) < ROUND({COMMITTED}, 2)
BEGIN SELECT RAISE(ABORT, '{MARKER}: the grant budget is below what the contest''s grants committed'); END;
"""

SQLITE_DOWN = f"DROP TRIGGER IF EXISTS {MARKER}"


class Migration(migrations.Migration):
    dependencies = [("grants", "0002_money_triggers")]

    operations = [
        vendor_sql(
            postgres_up=POSTGRES_UP,
            postgres_down=POSTGRES_DOWN,
            sqlite_up=[SQLITE_UP],
            sqlite_down=[SQLITE_DOWN],
        )
    ]
