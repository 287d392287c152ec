"""Statistics for managers (issue 13, point 7): the permission «Видит статистику обращений»,
given to «Координаторы», and the read-only group «Руководители», which holds it and nothing
else of the inbox (no report, no list). Permissions Django creates only after migrating are
created here if missing, as in 0002."""

from django.db import migrations

MANAGERS = "Руководители"
COORDINATORS = "Координаторы"
CODENAME = "view_statistics"
NAME = "Видит статистику обращений (без содержания)"


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    report_type, _ = ContentType.objects.get_or_create(app_label="requests", model="report")
    view_statistics, _ = Permission.objects.get_or_create(
        content_type=report_type, codename=CODENAME, defaults={"name": NAME}
    )
    managers, _ = Group.objects.get_or_create(name=MANAGERS)
    managers.permissions.add(access_admin, view_statistics)
    coordinators, _ = Group.objects.get_or_create(name=COORDINATORS)
    coordinators.permissions.add(view_statistics)


def remove_group(apps, schema_editor):
    """Coordinators lose the permission; the group «Руководители» is left for an administrator
    to delete in the admin (deleting it from a migration's historical models fails on the
    relations other apps keep to groups)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    coordinators = Group.objects.filter(name=COORDINATORS).first()
    if coordinators is not None:
        coordinators.permissions.remove(
            *Permission.objects.filter(content_type__app_label="requests", codename=CODENAME)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("requests", "0008_interagency_record"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="report",
            options={
                "ordering": ["-urgent", "status_rank", "-created_at", "-pk"],
                "permissions": [
                    ("view_all_districts", "Видит обращения всех районов (координатор)"),
                    ("view_statistics", "Видит статистику обращений (без содержания)"),
                ],
                "verbose_name": "Обращение",
                "verbose_name_plural": "Обращения",
            },
        ),
        migrations.RunPython(create_group, remove_group),
    ]
