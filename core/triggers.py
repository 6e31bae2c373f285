"""Database triggers that migrations install on both supported databases.

Invariants DESIGN.md wants held at the database (limits, money, conflicts of interest) are
triggers: one PL/pgSQL script for PostgreSQL, a list of statements for SQLite (which runs one
statement per execute). `vendor_sql` turns the four into the migration's RunPython operation.
"""

from collections.abc import Sequence

from django.db import migrations


def vendor_sql(
    *, postgres_up: str, postgres_down: str, sqlite_up: Sequence[str], sqlite_down: Sequence[str]
) -> migrations.RunPython:
    def run(schema_editor, postgres: str, sqlite: Sequence[str]) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(postgres, params=None)  # params=None: the % in PL/pgSQL stay as they are
        elif vendor == "sqlite":
            for statement in sqlite:
                schema_editor.execute(statement)
        else:  # pragma: no cover - Konkurs supports these two
            raise NotImplementedError(f"No triggers for {vendor}")

    def up(apps, schema_editor) -> None:
        run(schema_editor, postgres_up, sqlite_up)

    def down(apps, schema_editor) -> None:
        run(schema_editor, postgres_down, sqlite_down)

    return migrations.RunPython(up, down)
