"""Search support on PostgreSQL: pg_trgm (word similarity for Ukrainian word forms) and indexes
for the full-text and trigram searches. SQLite searches without them (TrigramExtension and the
RunPython below do nothing there)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = (
    "CREATE INDEX IF NOT EXISTS practice_search_trgm ON depository_practice "
    "USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS practice_search_fts ON depository_practice "
    "USING gin (to_tsvector('simple'::regconfig, search_text))",
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in INDEXES:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS practice_search_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS practice_search_fts")


class Migration(migrations.Migration):
    dependencies = [("depository", "0001_initial")]

    operations = [TrigramExtension(), migrations.RunPython(create, drop)]
