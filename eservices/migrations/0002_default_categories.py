"""The default classifier of e-service categories (eservices.categories)."""

from django.db import migrations


def seed(apps, schema_editor) -> None:
    from eservices.categories import DEFAULTS

    ServiceCategory = apps.get_model("eservices", "ServiceCategory")
    for order, (code, title) in enumerate(DEFAULTS, start=1):
        ServiceCategory.objects.get_or_create(code=code, defaults={"title": title, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("eservices", "0001_catalogue")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
