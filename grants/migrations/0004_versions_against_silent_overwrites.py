"""Versions of editable records (core.versioning): no silent overwrites."""

from django.db import migrations

from core.versioning import add_version_columns


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0003_contest_budget_floor"),
    ]

    operations = add_version_columns("grants", ["budgetline", "grantreport"])
