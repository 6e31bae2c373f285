"""The contest's grace period (minutes after the deadline a submission may still arrive).

On SQLite, Django adds a NOT NULL column by rebuilding the table, which the triggers of higher
apps that read contests_contest (awards 0002) refuse; a plain ADD COLUMN with a constant default
needs no rebuild. PostgreSQL takes the ordinary AddField.
"""

import django.core.validators
from django.db import migrations, models

FIELD = models.PositiveIntegerField(
    default=0,
    help_text=(
        "Submissions arriving up to this many minutes after the deadline are accepted; "
        "the call states it next to the deadline. 0 for none."
    ),
    validators=[django.core.validators.MaxValueValidator(1440)],
    verbose_name="grace period (minutes)",
)


def add_column(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            'ALTER TABLE "contests_contest" ADD COLUMN "grace_minutes" integer unsigned '
            'NOT NULL DEFAULT 0 CHECK ("grace_minutes" >= 0)'
        )
    else:
        field = FIELD.clone()
        field.set_attributes_from_name("grace_minutes")
        schema_editor.add_field(apps.get_model("contests", "Contest"), field)


def drop_column(apps, schema_editor) -> None:
    # Plain SQL on both: SQLite (3.35+) drops the column and its CHECK without a rebuild.
    schema_editor.execute('ALTER TABLE "contests_contest" DROP COLUMN "grace_minutes"')


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0004_versions_against_silent_overwrites"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddField(model_name="contest", name="grace_minutes", field=FIELD)],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
    ]
