"""Versions of editable records (core.versioning): no silent overwrites."""

from django.db import migrations

from core.versioning import add_version_columns


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0002_application_categories"),
    ]

    operations = add_version_columns("applications", ["application"])
