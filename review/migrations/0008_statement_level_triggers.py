"""The INSERT-time guards of migrations 0002 and 0005 checked once per statement on PostgreSQL
(issue 19, point 4): `auto_assign` writes its 30,000 reviews, and `record_automatic_conflicts`
its ~60,000 conflicts, in one INSERT each, and one PL/pgSQL call with an index probe per row was
most of the write. Each guard is now an AFTER INSERT … FOR EACH STATEMENT trigger that sees
the statement's rows as a transition table and looks for an offending one in one set-based
query; it raises the same message with the same SQLSTATE (23514, an IntegrityError to Django),
naming the first offending row found, and the whole statement is refused. UPDATE keeps the row
triggers (and their functions) of 0002 and 0005 under their old names: updates are one row at
a time or a handful, never the bulk path, and 0005's rule compares OLD with NEW per row.

SQLite has no statement-level triggers: its row triggers stay as they are (nothing to do).
Reversing re-creates the BEFORE INSERT OR UPDATE row triggers of 0002 and 0005.
"""

from django.db import migrations

from core.triggers import vendor_sql

LIVE = "('assigned', 'in_progress', 'submitted', 'reopened')"
STANDING = "('pending', 'accepted')"

# Row triggers of 0002 / 0005 (name, table, function), kept for UPDATE only.
ROW_TRIGGERS = [
    ("review_no_conflict", "review_review", "review_refuse_conflicted_review"),
    ("review_no_organisation_conflict", "review_review", "review_refuse_organisation_conflicted_review"),
    ("conflict_no_live_review", "review_conflict", "review_refuse_conflict_with_live_review"),
    ("score_within_scale", "review_score", "review_refuse_score_outside_scale"),
]


def _row_triggers(events: str) -> str:
    return "".join(
        f"""
DROP TRIGGER IF EXISTS {name} ON {table};
CREATE TRIGGER {name} BEFORE {events} ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""
        for name, table, function in ROW_TRIGGERS
    )


# Same messages as 0002 / 0005, with the first offending row's ids.
STATEMENT_TRIGGERS = f"""
CREATE OR REPLACE FUNCTION review_refuse_conflicted_reviews() RETURNS trigger AS $$
DECLARE
    v_juror bigint;
    v_application bigint;
BEGIN
    SELECT n.juror_id, n.application_id INTO v_juror, v_application
    FROM review_new_reviews n
    JOIN review_conflict c ON c.juror_id = n.juror_id AND c.application_id = n.application_id
    WHERE n.state IN {LIVE}
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'review_no_conflict: juror % has a conflict of interest with application %',
            v_juror, v_application USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER review_no_conflict_insert AFTER INSERT ON review_review
    REFERENCING NEW TABLE AS review_new_reviews
    FOR EACH STATEMENT EXECUTE FUNCTION review_refuse_conflicted_reviews();

CREATE OR REPLACE FUNCTION review_refuse_organisation_conflicted_reviews() RETURNS trigger AS $$
DECLARE
    v_juror bigint;
    v_application bigint;
BEGIN
    SELECT n.juror_id, n.application_id INTO v_juror, v_application
    FROM review_new_reviews n
    JOIN applications_application a ON a.id = n.application_id
    JOIN review_organisationconflict oc
        ON oc.juror_id = n.juror_id AND oc.organisation_id = a.organisation_id
    WHERE n.state IN {LIVE} AND oc.state IN {STANDING}
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'review_no_organisation_conflict: juror % declared a conflict with the organisation of application %',
            v_juror, v_application USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER review_no_organisation_conflict_insert AFTER INSERT ON review_review
    REFERENCING NEW TABLE AS review_new_reviews
    FOR EACH STATEMENT EXECUTE FUNCTION review_refuse_organisation_conflicted_reviews();

CREATE OR REPLACE FUNCTION review_refuse_conflicts_with_live_reviews() RETURNS trigger AS $$
DECLARE
    v_juror bigint;
BEGIN
    SELECT n.juror_id INTO v_juror
    FROM review_new_conflicts n
    JOIN review_review r ON r.juror_id = n.juror_id AND r.application_id = n.application_id
    WHERE r.state IN {LIVE}
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'conflict_no_live_review: decline the review of juror % first', v_juror
            USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER conflict_no_live_review_insert AFTER INSERT ON review_conflict
    REFERENCING NEW TABLE AS review_new_conflicts
    FOR EACH STATEMENT EXECUTE FUNCTION review_refuse_conflicts_with_live_reviews();

CREATE OR REPLACE FUNCTION review_refuse_scores_outside_scale() RETURNS trigger AS $$
DECLARE
    v_value review_score.value%TYPE;
    v_criterion bigint;
BEGIN
    SELECT n.value, n.criterion_id INTO v_value, v_criterion
    FROM review_new_scores n
    WHERE NOT EXISTS (
        SELECT 1 FROM contests_criterion c
        WHERE c.id = n.criterion_id AND n.value BETWEEN c.scale_min AND c.scale_max
    )
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'score_within_scale: % is outside the scale of criterion %',
            v_value, v_criterion USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER score_within_scale_insert AFTER INSERT ON review_score
    REFERENCING NEW TABLE AS review_new_scores
    FOR EACH STATEMENT EXECUTE FUNCTION review_refuse_scores_outside_scale();
"""

POSTGRES_UP = _row_triggers("UPDATE") + STATEMENT_TRIGGERS

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS score_within_scale_insert ON review_score;
DROP FUNCTION IF EXISTS review_refuse_scores_outside_scale();
DROP TRIGGER IF EXISTS conflict_no_live_review_insert ON review_conflict;
DROP FUNCTION IF EXISTS review_refuse_conflicts_with_live_reviews();
DROP TRIGGER IF EXISTS review_no_organisation_conflict_insert ON review_review;
DROP FUNCTION IF EXISTS review_refuse_organisation_conflicted_reviews();
DROP TRIGGER IF EXISTS review_no_conflict_insert ON review_review;
DROP FUNCTION IF EXISTS review_refuse_conflicted_reviews();
""" + _row_triggers("INSERT OR UPDATE")


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0007_incremental_ranking"),
    ]

    operations = [
        vendor_sql(postgres_up=POSTGRES_UP, postgres_down=POSTGRES_DOWN, sqlite_up=[], sqlite_down=[])
    ]
