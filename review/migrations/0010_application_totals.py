"""Issue 19: per-application figures the ranking reads (`ApplicationTotals`, kept by totals.py), and
what lets the ranking trust the stored figures without scanning the round's reviews:

- `RoundTotals.recount`, set by triggers when a submitted review is deleted or moved to another
  juror, application or round by any path (a bulk tool, raw SQL): the next ranking recounts the
  jurors' and applications' figures. (A review changing state or `updated_at` behind the
  services' back shows as a stale total, found by the next index.)
- `review_stale_totals_idx`, a partial index holding only reviews whose stored total is stale
  (normally none), so looking for them reads nothing.

Every round's basis is emptied: the next ranking of each round fills its applications' figures.
The stored rankings lose the round's figures they carried on their first row (the snapshot keeps
the agreement and the count; `ranking.figures_sql` computes them), and their foreign-key checks:
derived rows written 50,000 at a time, deleted with their round or application by the ORM.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.triggers import vendor_sql

SUBMITTED = "'submitted'"
MOVED = (
    "OLD.juror_id <> NEW.juror_id OR OLD.application_id <> NEW.application_id OR OLD.round_id <> NEW.round_id"
)

POSTGRES_UP = f"""
-- Once per statement over its transition table: deleting a round's 50,000 reviews is one UPDATE.
CREATE OR REPLACE FUNCTION review_recount_deleted() RETURNS trigger AS $$
BEGIN
    UPDATE review_roundtotals SET recount = true
    WHERE recount IS NOT true
      AND round_id IN (SELECT o.round_id FROM recount_old_reviews o WHERE o.state = {SUBMITTED});
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER review_recount_delete AFTER DELETE ON review_review
    REFERENCING OLD TABLE AS recount_old_reviews
    FOR EACH STATEMENT EXECUTE FUNCTION review_recount_deleted();

CREATE OR REPLACE FUNCTION review_recount_moved() RETURNS trigger AS $$
BEGIN
    UPDATE review_roundtotals SET recount = true
    WHERE recount IS NOT true AND round_id IN (OLD.round_id, NEW.round_id);
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER review_recount_move AFTER UPDATE OF juror_id, application_id, round_id ON review_review
    FOR EACH ROW WHEN (OLD.state = {SUBMITTED} AND ({MOVED}))
    EXECUTE FUNCTION review_recount_moved();
"""

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS review_recount_move ON review_review;
DROP FUNCTION IF EXISTS review_recount_moved();
DROP TRIGGER IF EXISTS review_recount_delete ON review_review;
DROP FUNCTION IF EXISTS review_recount_deleted();
"""

SQLITE_UP = [
    f"""CREATE TRIGGER review_recount_delete AFTER DELETE ON review_review
    WHEN OLD.state = {SUBMITTED}
    BEGIN
        UPDATE review_roundtotals SET recount = 1 WHERE recount IS NOT 1 AND round_id = OLD.round_id;
    END;""",
    f"""CREATE TRIGGER review_recount_move AFTER UPDATE OF juror_id, application_id, round_id ON review_review
    WHEN OLD.state = {SUBMITTED} AND ({MOVED})
    BEGIN
        UPDATE review_roundtotals SET recount = 1
        WHERE recount IS NOT 1 AND round_id IN (OLD.round_id, NEW.round_id);
    END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS review_recount_move", "DROP TRIGGER IF EXISTS review_recount_delete"]


def refill(apps, schema_editor) -> None:
    apps.get_model("review", "RoundTotals").objects.update(basis="")


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0006_correct_by"),
        ("contests", "0006_case_section_edition_year"),
        ("review", "0009_merge_ranking_stamp_statement_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApplicationTotals",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("submitted_at", models.DateTimeField(null=True)),
                ("number", models.CharField(blank=True, max_length=40)),
                ("reviews", models.PositiveIntegerField(default=0)),
                ("mean", models.FloatField(null=True)),
                ("median", models.FloatField(null=True)),
                ("trimmed", models.FloatField(null=True)),
                ("variance", models.FloatField(null=True)),
                ("low", models.FloatField(null=True)),
                ("high", models.FloatField(null=True)),
                ("tie", models.FloatField(null=True)),
                ("z", models.FloatField(null=True)),
            ],
        ),
        migrations.AddField(
            model_name="roundtotals",
            name="recount",
            field=models.BooleanField(null=True),
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                condition=models.Q(
                    models.Q(
                        ("state", "submitted"),
                        models.Q(
                            ("counted_at__isnull", True),
                            models.Q(("counted_at", models.F("updated_at")), _negated=True),
                            _connector="OR",
                        ),
                    ),
                    models.Q(
                        models.Q(("state", "submitted"), _negated=True),
                        models.Q(("counted_at__isnull", False), ("total__isnull", False), _connector="OR"),
                    ),
                    _connector="OR",
                ),
                fields=["round", "id"],
                name="review_stale_totals_idx",
            ),
        ),
        migrations.AddField(
            model_name="applicationtotals",
            name="application",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="round_totals",
                to="applications.application",
            ),
        ),
        migrations.AddField(
            model_name="applicationtotals",
            name="nomination_id",
            field=models.IntegerField(),
        ),
        migrations.AddField(
            model_name="applicationtotals",
            name="round",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="application_totals",
                db_index=False,
                db_constraint=False,
                to="review.round",
            ),
        ),
        migrations.AddConstraint(
            model_name="applicationtotals",
            constraint=models.UniqueConstraint(
                fields=("round", "application"), name="application_totals_unique"
            ),
        ),
        migrations.RemoveField(model_name="rankingrow", name="counted"),
        migrations.RemoveField(model_name="rankingrow", name="pairable"),
        migrations.RemoveField(model_name="rankingrow", name="total_var"),
        migrations.RemoveField(model_name="rankingrow", name="within"),
        migrations.AddIndex(
            model_name="applicationtotals",
            index=models.Index(
                condition=models.Q(("reviews__gte", 2)), fields=["round", "variance"], name="application_totals_spread"
            ),
        ),
        migrations.AlterField(
            model_name="rankingrow",
            name="application",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="applications.application",
            ),
        ),
        migrations.AlterField(
            model_name="rankingrow",
            name="round",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="review.round",
            ),
        ),
        migrations.RunPython(refill, migrations.RunPython.noop),
        vendor_sql(
            postgres_up=POSTGRES_UP, postgres_down=POSTGRES_DOWN, sqlite_up=SQLITE_UP, sqlite_down=SQLITE_DOWN
        ),
    ]
