"""DESIGN: "Winners per contest and per nomination never exceed the configured limit."

A live decision (proposed or approved) takes a place. A CHECK constraint sees one row only, so
the limits are triggers, for PostgreSQL and SQLite. On PostgreSQL the trigger first locks the
contest row, so racing inserts queue there and each counts what the others committed (READ
COMMITTED takes a fresh snapshot per statement in a function). Lowering a limit below the places
already taken is refused too. Errors are integrity errors (SQLSTATE 23514 / SQLITE_CONSTRAINT).
"""

from django.db import migrations

from core.triggers import vendor_sql

LIVE = "('proposed', 'approved')"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION awards_refuse_decision_over_limit() RETURNS trigger AS $$
DECLARE
    contest_limit integer;
    nomination_limit integer;
BEGIN
    IF NEW.state NOT IN {LIVE} THEN
        RETURN NEW;
    END IF;
    SELECT max_winners INTO contest_limit FROM contests_contest WHERE id = NEW.contest_id FOR UPDATE;
    SELECT n.max_winners INTO nomination_limit FROM contests_nomination n
        JOIN applications_application a ON a.nomination_id = n.id
        WHERE n.id = NEW.nomination_id AND n.contest_id = NEW.contest_id
          AND a.id = NEW.application_id AND a.contest_id = NEW.contest_id;
    IF nomination_limit IS NULL THEN
        RAISE EXCEPTION 'decision_consistent: application % is not in nomination % of contest %',
            NEW.application_id, NEW.nomination_id, NEW.contest_id USING ERRCODE = '23514';
    END IF;
    IF (SELECT COUNT(*) FROM awards_decision d
        WHERE d.contest_id = NEW.contest_id AND d.state IN {LIVE} AND d.id <> NEW.id) >= contest_limit THEN
        RAISE EXCEPTION 'decision_contest_limit: contest % has % winners at most',
            NEW.contest_id, contest_limit USING ERRCODE = '23514';
    END IF;
    IF (SELECT COUNT(*) FROM awards_decision d
        WHERE d.nomination_id = NEW.nomination_id AND d.state IN {LIVE} AND d.id <> NEW.id)
        >= nomination_limit THEN
        RAISE EXCEPTION 'decision_nomination_limit: nomination % has % winners at most',
            NEW.nomination_id, nomination_limit USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER decision_within_limits BEFORE INSERT OR UPDATE ON awards_decision
    FOR EACH ROW EXECUTE FUNCTION awards_refuse_decision_over_limit();

CREATE OR REPLACE FUNCTION awards_refuse_contest_limit_below_winners() RETURNS trigger AS $$
BEGIN
    IF NEW.max_winners < (SELECT COUNT(*) FROM awards_decision d
                          WHERE d.contest_id = NEW.id AND d.state IN {LIVE}) THEN
        RAISE EXCEPTION 'decision_contest_limit: contest % already has more winners', NEW.id
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER contest_limit_above_winners BEFORE UPDATE OF max_winners ON contests_contest
    FOR EACH ROW EXECUTE FUNCTION awards_refuse_contest_limit_below_winners();

CREATE OR REPLACE FUNCTION awards_refuse_nomination_limit_below_winners() RETURNS trigger AS $$
BEGIN
    IF NEW.max_winners < (SELECT COUNT(*) FROM awards_decision d
                          WHERE d.nomination_id = NEW.id AND d.state IN {LIVE}) THEN
        RAISE EXCEPTION 'decision_nomination_limit: nomination % already has more winners', NEW.id
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER nomination_limit_above_winners BEFORE UPDATE OF max_winners ON contests_nomination
    FOR EACH ROW EXECUTE FUNCTION awards_refuse_nomination_limit_below_winners();
"""

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS nomination_limit_above_winners ON contests_nomination;
DROP FUNCTION IF EXISTS awards_refuse_nomination_limit_below_winners();
DROP TRIGGER IF EXISTS contest_limit_above_winners ON contests_contest;
DROP FUNCTION IF EXISTS awards_refuse_contest_limit_below_winners();
DROP TRIGGER IF EXISTS decision_within_limits ON awards_decision;
DROP FUNCTION IF EXISTS awards_refuse_decision_over_limit();
"""


def _sqlite_decision_triggers(event: str) -> list[str]:
    # SQLite runs one writer at a time, so counting is enough. NEW.id may be NULL or -1 before an
    # insert: `IS NOT` keeps every stored row in the count.
    others = f"d.state IN {LIVE} AND d.id IS NOT NEW.id"
    when = f"NEW.state IN {LIVE}"
    name = event.lower()
    return [
        f"""
CREATE TRIGGER decision_consistent_{name} BEFORE {event} ON awards_decision
WHEN {when} AND NOT EXISTS (
    SELECT 1 FROM applications_application a JOIN contests_nomination n ON n.id = a.nomination_id
    WHERE a.id = NEW.application_id AND a.contest_id = NEW.contest_id
      AND n.id = NEW.nomination_id AND n.contest_id = NEW.contest_id
)
BEGIN SELECT RAISE(ABORT, 'decision_consistent: the application is not in this nomination'); END;
""",
        f"""
CREATE TRIGGER decision_contest_limit_{name} BEFORE {event} ON awards_decision
WHEN {when} AND (SELECT COUNT(*) FROM awards_decision d WHERE d.contest_id = NEW.contest_id AND {others})
    >= (SELECT max_winners FROM contests_contest WHERE id = NEW.contest_id)
BEGIN SELECT RAISE(ABORT, 'decision_contest_limit: the contest has no more places for winners'); END;
""",
        f"""
CREATE TRIGGER decision_nomination_limit_{name} BEFORE {event} ON awards_decision
WHEN {when} AND (SELECT COUNT(*) FROM awards_decision d WHERE d.nomination_id = NEW.nomination_id AND {others})
    >= (SELECT max_winners FROM contests_nomination WHERE id = NEW.nomination_id)
BEGIN SELECT RAISE(ABORT, 'decision_nomination_limit: the nomination has no more places'); END;
""",
    ]


SQLITE_LIMIT_CHANGES = [
    f"""
CREATE TRIGGER contest_limit_above_winners BEFORE UPDATE OF max_winners ON contests_contest
WHEN NEW.max_winners < (SELECT COUNT(*) FROM awards_decision d WHERE d.contest_id = NEW.id AND d.state IN {LIVE})
BEGIN SELECT RAISE(ABORT, 'decision_contest_limit: the contest already has more winners'); END;
""",
    f"""
CREATE TRIGGER nomination_limit_above_winners BEFORE UPDATE OF max_winners ON contests_nomination
WHEN NEW.max_winners < (
    SELECT COUNT(*) FROM awards_decision d WHERE d.nomination_id = NEW.id AND d.state IN {LIVE}
)
BEGIN SELECT RAISE(ABORT, 'decision_nomination_limit: the nomination already has more winners'); END;
""",
]

SQLITE_UP = [
    *(sql for event in ("INSERT", "UPDATE") for sql in _sqlite_decision_triggers(event)),
    *SQLITE_LIMIT_CHANGES,
]
SQLITE_DOWN = [
    *(
        f"DROP TRIGGER IF EXISTS {name}_{event}"
        for name in ("decision_consistent", "decision_contest_limit", "decision_nomination_limit")
        for event in ("insert", "update")
    ),
    "DROP TRIGGER IF EXISTS contest_limit_above_winners",
    "DROP TRIGGER IF EXISTS nomination_limit_above_winners",
]


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]

    operations = [
        vendor_sql(
            postgres_up=POSTGRES_UP, postgres_down=POSTGRES_DOWN, sqlite_up=SQLITE_UP, sqlite_down=SQLITE_DOWN
        )
    ]
