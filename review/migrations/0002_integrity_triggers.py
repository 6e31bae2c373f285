"""Invariants that span two tables, kept by the database itself (DESIGN: "A juror never scores
an application they declared a conflict with"; "a score lies within its criterion's scale").

A CHECK constraint sees one row only, so these are triggers, written for PostgreSQL and SQLite.
Both raise an integrity error (SQLSTATE 23514 on PostgreSQL, SQLITE_CONSTRAINT on SQLite).
"""

from django.db import migrations

from core.triggers import vendor_sql

LIVE = "('assigned', 'in_progress', 'submitted', 'reopened')"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION review_refuse_conflicted_review() RETURNS trigger AS $$
BEGIN
    IF NEW.state IN {LIVE} AND EXISTS (
        SELECT 1 FROM review_conflict c
        WHERE c.juror_id = NEW.juror_id AND c.application_id = NEW.application_id
    ) THEN
        RAISE EXCEPTION 'review_no_conflict: juror % has a conflict of interest with application %',
            NEW.juror_id, NEW.application_id USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER review_no_conflict BEFORE INSERT OR UPDATE ON review_review
    FOR EACH ROW EXECUTE FUNCTION review_refuse_conflicted_review();

CREATE OR REPLACE FUNCTION review_refuse_conflict_with_live_review() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM review_review r
        WHERE r.juror_id = NEW.juror_id AND r.application_id = NEW.application_id
          AND r.state IN {LIVE}
    ) THEN
        RAISE EXCEPTION 'conflict_no_live_review: decline the review of juror % first', NEW.juror_id
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER conflict_no_live_review BEFORE INSERT OR UPDATE ON review_conflict
    FOR EACH ROW EXECUTE FUNCTION review_refuse_conflict_with_live_review();

CREATE OR REPLACE FUNCTION review_refuse_score_outside_scale() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM contests_criterion c
        WHERE c.id = NEW.criterion_id AND NEW.value BETWEEN c.scale_min AND c.scale_max
    ) THEN
        RAISE EXCEPTION 'score_within_scale: % is outside the scale of criterion %',
            NEW.value, NEW.criterion_id USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER score_within_scale BEFORE INSERT OR UPDATE ON review_score
    FOR EACH ROW EXECUTE FUNCTION review_refuse_score_outside_scale();
"""

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS score_within_scale ON review_score;
DROP FUNCTION IF EXISTS review_refuse_score_outside_scale();
DROP TRIGGER IF EXISTS conflict_no_live_review ON review_conflict;
DROP FUNCTION IF EXISTS review_refuse_conflict_with_live_review();
DROP TRIGGER IF EXISTS review_no_conflict ON review_review;
DROP FUNCTION IF EXISTS review_refuse_conflicted_review();
"""


def _sqlite_review_trigger(event: str) -> str:
    return f"""
CREATE TRIGGER review_no_conflict_{event.lower()} BEFORE {event} ON review_review
WHEN NEW.state IN {LIVE} AND EXISTS (
    SELECT 1 FROM review_conflict c WHERE c.juror_id = NEW.juror_id AND c.application_id = NEW.application_id
)
BEGIN SELECT RAISE(ABORT, 'review_no_conflict: the juror has a conflict of interest'); END;
"""


def _sqlite_conflict_trigger(event: str) -> str:
    return f"""
CREATE TRIGGER conflict_no_live_review_{event.lower()} BEFORE {event} ON review_conflict
WHEN EXISTS (
    SELECT 1 FROM review_review r
    WHERE r.juror_id = NEW.juror_id AND r.application_id = NEW.application_id AND r.state IN {LIVE}
)
BEGIN SELECT RAISE(ABORT, 'conflict_no_live_review: decline the review first'); END;
"""


def _sqlite_score_trigger(event: str) -> str:
    return f"""
CREATE TRIGGER score_within_scale_{event.lower()} BEFORE {event} ON review_score
WHEN NOT EXISTS (
    SELECT 1 FROM contests_criterion c
    WHERE c.id = NEW.criterion_id AND NEW.value BETWEEN c.scale_min AND c.scale_max
)
BEGIN SELECT RAISE(ABORT, 'score_within_scale: the score is outside the criterion''s scale'); END;
"""


SQLITE_UP = [
    make(event)
    for make in (_sqlite_review_trigger, _sqlite_conflict_trigger, _sqlite_score_trigger)
    for event in ("INSERT", "UPDATE")
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {name}_{event}"
    for name in ("review_no_conflict", "conflict_no_live_review", "score_within_scale")
    for event in ("insert", "update")
]


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("contests", "0003_contest_blind_review_contest_conflict_same_region_and_more"),
    ]

    operations = [
        vendor_sql(
            postgres_up=POSTGRES_UP, postgres_down=POSTGRES_DOWN, sqlite_up=SQLITE_UP, sqlite_down=SQLITE_DOWN
        )
    ]
