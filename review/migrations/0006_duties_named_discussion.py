# Jurors stay anonymous to each other unless the round chooses a named discussion (issue 16).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0005_organisation_conflicts"),
    ]

    operations = [
        migrations.AddField(
            model_name="round",
            name="named_discussion",
            field=models.BooleanField(
                default=False,
                help_text="Otherwise jurors read each other as “Juror 1”, “Juror 2”; organisers always see names.",
                verbose_name="jurors see each other's names in the discussion",
            ),
        ),
    ]
