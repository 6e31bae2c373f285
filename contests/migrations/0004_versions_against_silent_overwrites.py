"""Versions of editable records (core.versioning): no silent overwrites."""

from django.db import migrations

from core.versioning import add_version_columns


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0003_contest_blind_review_contest_conflict_same_region_and_more"),
    ]

    operations = add_version_columns("contests", ["contest", "nomination", "criterion", "formfield"])
