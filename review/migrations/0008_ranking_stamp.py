"""Issue 19: the ranking's freshness stamp, kept by the database (PostgreSQL and SQLite alike).

`RoundTotals.reviews_changed` and `applications_changed` move with every write that changes what a
round's ranking reads, whoever makes it (the services, a bulk tool, raw SQL), so that deciding
whether a stored or cached ranking is fresh reads one row, whatever the round's size:

- review_review: a submitted review inserted or deleted; a review whose state moves into or out of
  submitted; a submitted review whose updated_at, application, juror or round changes. Not the
  stored totals (total, tie, counted_at: `totals.py` recomputing them must not make the ranking it
  is about to store stale), not a draft's save (an autosave must not invalidate the ranking).
- applications_application: an application entering or leaving the reviewable states, or changing
  nomination, number, submission time or contest while reviewable (or while on a shortlist), moves
  every round of its contest. A submission that stays outside the reviewable states touches no
  round row: submissions never queue on a round's row.
- review_shortlistentry: any write moves its round.

A round's row is written when the round is inserted (and upserted, INSERT … ON CONFLICT, by every
change, should it be missing); existing rounds get theirs here. A round's deletion takes its row
along (whatever order Django deletes the round's reviews and its RoundTotals in, a trigger may
have written the row again meanwhile).

Concurrency: the upsert locks the round's row until the writer commits, so concurrent juror
submissions in one round serialise on it for the rest of their (short) transaction; accepted, it
is what makes the stamp exact. Bumps of several rounds lock them in id order.
"""

import secrets

from django.db import migrations, models

from core.triggers import vendor_sql

# review.selectors.REVIEWABLE_STATES, frozen here (tests/review/test_ranking_stamp.py holds them equal).
REVIEWABLE = "('eligible', 'under_review', 'awarded', 'not_awarded')"
SUBMITTED = "'submitted'"

COLUMNS = "review_roundtotals (round_id, basis, reviews_changed, applications_changed)"
ON_CONFLICT = """ON CONFLICT (round_id) DO UPDATE SET
        reviews_changed = review_roundtotals.reviews_changed + excluded.reviews_changed,
        applications_changed = review_roundtotals.applications_changed + excluded.applications_changed"""

# A counter moves by a random step of 1..2³², not by one: it only ever grows, and a value once
# seen with some data (by the ranking cache, in a transaction later rolled back, before a database
# restore) does not come back with other data (the chance is 2⁻³² a step). Counting by one, a bump
# rolled back and another one committed would reuse the number, and the cache would serve the
# ranking computed under it. 2³¹ steps fit in a bigint.
POSTGRES_STEP = "(1 + floor(random() * 4294967296)::bigint)"
SQLITE_STEP = "(1 + (random() & 4294967295))"

# What this transaction has stamped already (PostgreSQL; ranking.round_state empties it).
STAMPED = "konkurs.stamped"

# An application's fields the ranking reads (the tie-breaks and which rounds see it).
APPLICATION_FIELDS = ("nomination_id", "number", "submitted_at", "contest_id")
REVIEW_FIELDS = ("state", "updated_at", "application_id", "juror_id", "round_id")


def _changed(fields, distinct: str) -> str:
    return " OR ".join(f"OLD.{f} {distinct} NEW.{f}" for f in fields)


POSTGRES_UP = f"""
-- A round's counters, once per round, counter and transaction ({STAMPED}, below).
CREATE OR REPLACE FUNCTION review_stamp_round(p_round bigint, p_reviews integer, p_applications integer)
RETURNS void AS $$
DECLARE
    done text := coalesce(current_setting('{STAMPED}', true), '');
    entry text := 'r' || p_round || ':' || p_reviews || p_applications;
BEGIN
    IF position(',' || entry || ',' IN done) > 0 THEN
        RETURN;
    END IF;
    INSERT INTO {COLUMNS}
    SELECT r.id, '', p_reviews * {POSTGRES_STEP}, p_applications * {POSTGRES_STEP}
    FROM review_round r WHERE r.id = p_round
    {ON_CONFLICT};
    PERFORM set_config('{STAMPED}', CASE WHEN done = '' THEN ',' ELSE done END || entry || ',', true);
END $$ LANGUAGE plpgsql;

-- A contest's rounds, once per contest and transaction. {STAMPED} is a transaction-local list of
-- what this transaction stamped already: a bulk change of 10,000 applications (screening, an
-- announcement) or reviews would otherwise write the same row 10,000 times, and each new version
-- of one row in one transaction costs more than the last (announcing to 10,000 went from 1.7 s
-- to 5.5 s). ranking.round_state() empties the list when it reads a stamp, so a ranking computed
-- mid-transaction is never keyed by a stamp that the same transaction's later changes would leave
-- unmoved. A rolled-back savepoint takes its entries along.
CREATE OR REPLACE FUNCTION review_stamp_contest(p_contest bigint) RETURNS void AS $$
DECLARE
    done text := coalesce(current_setting('{STAMPED}', true), '');
    entry text := 'c' || p_contest;
BEGIN
    IF position(',' || entry || ',' IN done) > 0 THEN
        RETURN;
    END IF;
    INSERT INTO {COLUMNS}
    SELECT r.id, '', 0, {POSTGRES_STEP} FROM review_round r WHERE r.contest_id = p_contest ORDER BY r.id
    {ON_CONFLICT};
    PERFORM set_config('{STAMPED}', CASE WHEN done = '' THEN ',' ELSE done END || entry || ',', true);
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION review_review_stamp() RETURNS trigger AS $$
BEGIN
    PERFORM review_stamp_round(OLD.round_id, 1, 0);
    IF NEW.round_id <> OLD.round_id THEN
        PERFORM review_stamp_round(NEW.round_id, 1, 0);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- Inserts and deletes once per statement, over their transition tables: reviews written in bulk
-- (assignment, imports, a COPY) stamp each round once, not once per row.
CREATE OR REPLACE FUNCTION review_reviews_stamp() RETURNS trigger AS $$
DECLARE
    round_id bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        FOR round_id IN
            SELECT DISTINCT n.round_id FROM stamp_new_reviews n WHERE n.state = {SUBMITTED} ORDER BY 1
        LOOP
            PERFORM review_stamp_round(round_id, 1, 0);
        END LOOP;
    ELSE
        FOR round_id IN
            SELECT DISTINCT o.round_id FROM stamp_old_reviews o WHERE o.state = {SUBMITTED} ORDER BY 1
        LOOP
            PERFORM review_stamp_round(round_id, 1, 0);
        END LOOP;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER review_stamp_insert AFTER INSERT ON review_review
    REFERENCING NEW TABLE AS stamp_new_reviews
    FOR EACH STATEMENT EXECUTE FUNCTION review_reviews_stamp();
CREATE TRIGGER review_stamp_delete AFTER DELETE ON review_review
    REFERENCING OLD TABLE AS stamp_old_reviews
    FOR EACH STATEMENT EXECUTE FUNCTION review_reviews_stamp();
-- UPDATE OF: the totals' own UPDATE (total, tie, counted_at) does not even evaluate the condition.
CREATE TRIGGER review_stamp_update AFTER UPDATE OF {", ".join(REVIEW_FIELDS)} ON review_review
    FOR EACH ROW WHEN ((OLD.state = {SUBMITTED} OR NEW.state = {SUBMITTED})
                       AND ({_changed(REVIEW_FIELDS, "IS DISTINCT FROM")}))
    EXECUTE FUNCTION review_review_stamp();

CREATE OR REPLACE FUNCTION review_application_stamp() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM review_stamp_contest(NEW.contest_id);
    ELSE
        PERFORM review_stamp_contest(OLD.contest_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER application_stamp_insert AFTER INSERT ON applications_application
    FOR EACH ROW WHEN (NEW.state IN {REVIEWABLE}) EXECUTE FUNCTION review_application_stamp();
CREATE TRIGGER application_stamp_delete AFTER DELETE ON applications_application
    FOR EACH ROW WHEN (OLD.state IN {REVIEWABLE}) EXECUTE FUNCTION review_application_stamp();

-- Updates once per statement, over its transition tables: screening or announcing to 10,000
-- applications is one UPDATE, and a row trigger's 10,000 calls cost it ~0.4 s (a fifth).
CREATE OR REPLACE FUNCTION review_applications_stamp() RETURNS trigger AS $$
DECLARE
    contest bigint;
BEGIN
    FOR contest IN
        SELECT touched.contest_id FROM (
            SELECT o.contest_id AS old_contest, n.contest_id AS new_contest
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.state IN {REVIEWABLE}) <> (n.state IN {REVIEWABLE})
               OR (({_changed(APPLICATION_FIELDS, "IS DISTINCT FROM").replace("OLD.", "o.").replace("NEW.", "n.")})
                   AND (o.state IN {REVIEWABLE} OR n.state IN {REVIEWABLE}
                        OR EXISTS (SELECT 1 FROM review_shortlistentry s
                                   WHERE s.application_id = n.id AND s.removed_at IS NULL)))
        ) moved, LATERAL (VALUES (moved.old_contest), (moved.new_contest)) AS touched(contest_id)
        GROUP BY touched.contest_id ORDER BY touched.contest_id
    LOOP
        PERFORM review_stamp_contest(contest);
    END LOOP;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER application_stamp_update AFTER UPDATE ON applications_application
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION review_applications_stamp();

CREATE OR REPLACE FUNCTION review_shortlist_stamp() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM review_stamp_round(OLD.round_id, 0, 1);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.round_id <> OLD.round_id) THEN
        PERFORM review_stamp_round(NEW.round_id, 0, 1);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER shortlist_stamp AFTER INSERT OR UPDATE OR DELETE ON review_shortlistentry
    FOR EACH ROW EXECUTE FUNCTION review_shortlist_stamp();

CREATE OR REPLACE FUNCTION review_round_start_totals() RETURNS trigger AS $$
BEGIN
    PERFORM review_stamp_round(NEW.id, 1, 1);
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER round_start_totals AFTER INSERT ON review_round
    FOR EACH ROW EXECUTE FUNCTION review_round_start_totals();

CREATE OR REPLACE FUNCTION review_round_forget_totals() RETURNS trigger AS $$
BEGIN
    DELETE FROM review_roundtotals WHERE round_id = OLD.id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER round_forget_totals AFTER DELETE ON review_round
    FOR EACH ROW EXECUTE FUNCTION review_round_forget_totals();
"""

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS round_forget_totals ON review_round;
DROP FUNCTION IF EXISTS review_round_forget_totals();
DROP TRIGGER IF EXISTS round_start_totals ON review_round;
DROP FUNCTION IF EXISTS review_round_start_totals();
DROP TRIGGER IF EXISTS shortlist_stamp ON review_shortlistentry;
DROP FUNCTION IF EXISTS review_shortlist_stamp();
DROP TRIGGER IF EXISTS application_stamp_update ON applications_application;
DROP TRIGGER IF EXISTS application_stamp_delete ON applications_application;
DROP TRIGGER IF EXISTS application_stamp_insert ON applications_application;
DROP FUNCTION IF EXISTS review_applications_stamp();
DROP FUNCTION IF EXISTS review_application_stamp();
DROP TRIGGER IF EXISTS review_stamp_update ON review_review;
DROP TRIGGER IF EXISTS review_stamp_delete ON review_review;
DROP TRIGGER IF EXISTS review_stamp_insert ON review_review;
DROP FUNCTION IF EXISTS review_reviews_stamp();
DROP FUNCTION IF EXISTS review_review_stamp();
DROP FUNCTION IF EXISTS review_stamp_contest(bigint);
DROP FUNCTION IF EXISTS review_stamp_round(bigint, integer, integer);
"""


def _sqlite_round(round_id: str, reviews: int, applications: int, condition: str = "1") -> str:
    # WHERE is required before ON CONFLICT in INSERT … SELECT (SQLite's parsing ambiguity).
    return f"""INSERT INTO {COLUMNS}
    SELECT r.id, '', {reviews} * {SQLITE_STEP}, {applications} * {SQLITE_STEP}
    FROM review_round r WHERE r.id = {round_id} AND {condition}
    {ON_CONFLICT};"""


def _sqlite_contest(contest_id: str, condition: str = "1") -> str:
    return f"""INSERT INTO {COLUMNS}
    SELECT r.id, '', 0, {SQLITE_STEP} FROM review_round r WHERE r.contest_id = {contest_id} AND {condition}
    {ON_CONFLICT};"""


def _trigger(name: str, event: str, table: str, when: str, body: str) -> str:
    return f"CREATE TRIGGER {name} AFTER {event} ON {table}\nWHEN {when}\nBEGIN\n{body}\nEND;"


APPLICATION_MOVED = f"""(
    (OLD.state IN {REVIEWABLE}) <> (NEW.state IN {REVIEWABLE})
    OR ((OLD.state IN {REVIEWABLE} OR NEW.state IN {REVIEWABLE}
         OR EXISTS (SELECT 1 FROM review_shortlistentry s
                    WHERE s.application_id = NEW.id AND s.removed_at IS NULL))
        AND ({_changed(APPLICATION_FIELDS, "IS NOT")}))
)"""

SQLITE_UP = [
    _trigger(
        "review_stamp_insert",
        "INSERT",
        "review_review",
        f"NEW.state = {SUBMITTED}",
        _sqlite_round("NEW.round_id", 1, 0),
    ),
    _trigger(
        "review_stamp_delete",
        "DELETE",
        "review_review",
        f"OLD.state = {SUBMITTED}",
        _sqlite_round("OLD.round_id", 1, 0),
    ),
    _trigger(
        "review_stamp_update",
        f"UPDATE OF {', '.join(REVIEW_FIELDS)}",
        "review_review",
        f"(OLD.state = {SUBMITTED} OR NEW.state = {SUBMITTED}) AND ({_changed(REVIEW_FIELDS, 'IS NOT')})",
        _sqlite_round("OLD.round_id", 1, 0)
        + _sqlite_round("NEW.round_id", 1, 0, "NEW.round_id <> OLD.round_id"),
    ),
    _trigger(
        "application_stamp_insert",
        "INSERT",
        "applications_application",
        f"NEW.state IN {REVIEWABLE}",
        _sqlite_contest("NEW.contest_id"),
    ),
    _trigger(
        "application_stamp_delete",
        "DELETE",
        "applications_application",
        f"OLD.state IN {REVIEWABLE}",
        _sqlite_contest("OLD.contest_id"),
    ),
    _trigger(
        "application_stamp_update",
        f"UPDATE OF state, {', '.join(APPLICATION_FIELDS)}",
        "applications_application",
        APPLICATION_MOVED,
        _sqlite_contest("OLD.contest_id")
        + _sqlite_contest("NEW.contest_id", "NEW.contest_id <> OLD.contest_id"),
    ),
    _trigger(
        "shortlist_stamp_insert", "INSERT", "review_shortlistentry", "1", _sqlite_round("NEW.round_id", 0, 1)
    ),
    _trigger(
        "shortlist_stamp_delete", "DELETE", "review_shortlistentry", "1", _sqlite_round("OLD.round_id", 0, 1)
    ),
    _trigger(
        "shortlist_stamp_update",
        "UPDATE",
        "review_shortlistentry",
        "1",
        _sqlite_round("OLD.round_id", 0, 1)
        + _sqlite_round("NEW.round_id", 0, 1, "NEW.round_id <> OLD.round_id"),
    ),
    _trigger("round_start_totals", "INSERT", "review_round", "1", _sqlite_round("NEW.id", 1, 1)),
    _trigger(
        "round_forget_totals",
        "DELETE",
        "review_round",
        "1",
        "DELETE FROM review_roundtotals WHERE round_id = OLD.id;",
    ),
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "round_forget_totals",
        "round_start_totals",
        "shortlist_stamp_update",
        "shortlist_stamp_delete",
        "shortlist_stamp_insert",
        "application_stamp_update",
        "application_stamp_delete",
        "application_stamp_insert",
        "review_stamp_update",
        "review_stamp_delete",
        "review_stamp_insert",
    )
]


def backfill(apps, schema_editor) -> None:
    """Every round has its row from now on (a new round gets it from a trigger), its counters
    started at a random step like the triggers' (an empty basis: the next ranking refreshes)."""
    Round = apps.get_model("review", "Round")
    RoundTotals = apps.get_model("review", "RoundTotals")
    random = secrets.SystemRandom()
    RoundTotals.objects.filter(reviews_changed=0).update(
        reviews_changed=random.randint(1, 2**32), applications_changed=random.randint(1, 2**32)
    )
    RoundTotals.objects.bulk_create(
        RoundTotals(
            round_id=pk,
            basis="",
            reviews_changed=random.randint(1, 2**32),
            applications_changed=random.randint(1, 2**32),
        )
        for pk in Round.objects.filter(totals__isnull=True).values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0006_correct_by"),
        ("review", "0007_incremental_ranking"),
    ]

    operations = [
        migrations.AddField(
            model_name="roundtotals", name="reviews_changed", field=models.BigIntegerField(default=0)
        ),
        migrations.AddField(
            model_name="roundtotals", name="applications_changed", field=models.BigIntegerField(default=0)
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        vendor_sql(
            postgres_up=POSTGRES_UP, postgres_down=POSTGRES_DOWN, sqlite_up=SQLITE_UP, sqlite_down=SQLITE_DOWN
        ),
    ]
