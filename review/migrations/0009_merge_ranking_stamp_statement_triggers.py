"""Merges the two 0008 migrations written side by side for issue 19 (the ranking's freshness
stamp and the statement-level integrity triggers); they touch different triggers."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0008_ranking_stamp"),
        ("review", "0008_statement_level_triggers"),
    ]

    operations = []
