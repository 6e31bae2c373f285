"""Issue 19: the round's units (applications with two reviews or more) pooled on its RoundTotals
row, kept by `totals.py` as application rows are rewritten, so that computing a ranking reads the
agreement's parts from one row instead of a pass over the round. NULL until counted: `totals.heal`
recounts a round whose row has none before its next ranking (no data step here)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0010_application_totals"),
    ]

    operations = [
        migrations.AddField(model_name="roundtotals", name="pairable", field=models.BigIntegerField(null=True)),
        migrations.AddField(model_name="roundtotals", name="unit_m2", field=models.FloatField(null=True)),
        migrations.AddField(model_name="roundtotals", name="unit_mean", field=models.FloatField(null=True)),
        migrations.AddField(model_name="roundtotals", name="units", field=models.BigIntegerField(null=True)),
        migrations.AddField(model_name="roundtotals", name="within", field=models.FloatField(null=True)),
    ]
