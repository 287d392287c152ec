"""The «Редакторы реестра» group: the registry snippets and nothing else.

Editors keep the registry current: they add, edit, publish, lock, verify and
translate services and organisations, may add districts and taxonomy terms, but
cannot delete districts or terms (that would silently change filters and URLs),
and get no page, user or settings permissions. Permissions Wagtail normally
creates after migrating (publish/lock/unlock, view) are created here if missing.
"""

from django.db import migrations

GROUP_NAME = "Редакторы реестра"

MODEL_PERMISSIONS = {
    "service": ["add", "change", "delete", "view", "publish", "lock", "unlock"],
    "organization": ["add", "change", "delete", "view"],
    "servicekind": ["add", "change", "view"],
    "targetgroup": ["add", "change", "view"],
    "district": ["add", "change", "view"],
}
VERBOSE = {
    "service": "service",
    "organization": "organization",
    "servicekind": "service kind",
    "targetgroup": "target group",
    "district": "district",
}


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    permissions = []
    for model, actions in MODEL_PERMISSIONS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="registry", model=model)
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {VERBOSE[model]}"},
            )
            permissions.append(permission)

    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    permissions.append(
        Permission.objects.get_or_create(
            content_type=admin_type,
            codename="access_admin",
            defaults={"name": "Can access Wagtail admin"},
        )[0]
    )
    localize_type, _ = ContentType.objects.get_or_create(
        app_label="wagtail_localize", model="translation"
    )
    permissions.append(
        Permission.objects.get_or_create(
            content_type=localize_type,
            codename="submit_translation",
            defaults={"name": "Can submit translations"},
        )[0]
    )
    group.permissions.add(*permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_seed_taxonomy"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtail_localize", "0006_create_submit_translation_permission"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        # Their migrations give "choose" permissions to every group with admin access;
        # run them first so that this group stays limited to the registry.
        ("wagtailimages", "0023_add_choose_permissions"),
        ("wagtaildocs", "0011_add_choose_permissions"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
