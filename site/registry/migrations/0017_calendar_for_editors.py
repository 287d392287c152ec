"""«Редакторы реестра» keep the official calendar of holidays («Реестр помощи → Праздники и
переносы»): add, change, delete and view its days."""

from django.db import migrations

GROUP_NAME = "Редакторы реестра"
ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    content_type, _ = ContentType.objects.get_or_create(app_label="registry", model="calendarday")
    for action in ACTIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_calendarday",
            defaults={"name": f"Can {action} calendar day"},
        )
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP_NAME):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="registry",
                codename__in=[f"{action}_calendarday" for action in ACTIONS],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0016_calendarday"),
        ("registry", "0012_everyday_words_for_editors"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
