"""The inbox groups: «Специалисты по обращениям» (their districts) and «Координаторы» (all).

Specialists see and handle reports of the districts listed for them in «Районы
специалистов» (InboxScope); coordinators see every district and manage those lists.
Permissions Django creates only after migrating are created here if missing.
"""

from django.db import migrations

SPECIALISTS = "Специалисты по обращениям"
COORDINATORS = "Координаторы"

PERMISSIONS = {
    SPECIALISTS: [("report", "view"), ("report", "change")],
    COORDINATORS: [
        ("report", "view"),
        ("report", "change"),
        ("report", "view_all_districts"),
        ("inboxscope", "add"),
        ("inboxscope", "change"),
        ("inboxscope", "delete"),
        ("inboxscope", "view"),
    ],
}
NAMES = {
    "view_all_districts": "Видит обращения всех районов (координатор)",
}


def create_groups(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    for group_name, perms in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        permissions = [access_admin]
        for model, action in perms:
            content_type, _ = ContentType.objects.get_or_create(app_label="requests", model=model)
            codename = action if action == "view_all_districts" else f"{action}_{model}"
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": NAMES.get(codename, f"Can {action} {model}")},
            )
            permissions.append(permission)
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[SPECIALISTS, COORDINATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("requests", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
