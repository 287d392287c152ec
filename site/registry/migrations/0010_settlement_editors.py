"""The «Редакторы реестра» keep the gazetteer: add, change, delete and view settlements."""

from django.db import migrations

GROUP_NAME = "Редакторы реестра"
ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is None:
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="registry", model="settlement")
    for action in ACTIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_settlement",
            defaults={"name": f"Can {action} settlement"},
        )
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="registry", codename__endswith="_settlement"
            )
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_settlement")]

    operations = [migrations.RunPython(grant, revoke)]
