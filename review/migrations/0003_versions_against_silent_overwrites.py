"""Versions of editable records (core.versioning): no silent overwrites."""

from django.db import migrations

from core.versioning import add_version_columns


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0002_integrity_triggers"),
    ]

    operations = add_version_columns("review", ["review"])
