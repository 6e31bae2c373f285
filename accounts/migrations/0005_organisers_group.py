"""The group "Organisers" (README: its members may create contests), with its permission, so that
a fresh install has it; staff then add people to it on the organisers' page, by
`manage.py grant_organiser EMAIL` or through the API.

Permissions are normally created after all migrations ran (post_migrate), so on an empty database
the permission is created here, under the same natural key Django would give it."""

from django.db import migrations

GROUP = "Organisers"
PERMISSIONS = (("contests", "contest", "add_contest", "Can add contest"),)


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _created = Group.objects.get_or_create(name=GROUP)
    for app_label, model, codename, name in PERMISSIONS:
        content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def keep_group(apps, schema_editor):
    """Unapplying leaves the group and its members alone: people were given the right in it."""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_invitation_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, keep_group)]
