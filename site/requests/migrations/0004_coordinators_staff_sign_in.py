"""Coordinators manage their colleagues' sign-in: reset a second factor, lift a hold, read
the staff sign-in log (permissions of safechildhood.core). Created here if missing, like
the group's other permissions (Django creates permissions only after migrating)."""

from django.db import migrations

COORDINATORS = "Координаторы"
PERMISSIONS = [
    ("reset_second_factor", "Сбрасывает второй фактор сотрудников и снимает приостановку входа"),
    ("view_accountlogentry", "Can view Запись журнала входов"),
]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    content_type, _ = ContentType.objects.get_or_create(app_label="core", model="accountlogentry")
    group, _ = Group.objects.get_or_create(name=COORDINATORS)
    for codename, name in PERMISSIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=COORDINATORS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="core", codename__in=[c for c, _ in PERMISSIONS]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("requests", "0003_report_over_volume"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
