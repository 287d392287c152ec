"""Provider accounts: organisations' staff keep their own services current.

- ``OrganizationMember``: which admin user speaks for which organisation.
- «Поставщики услуг»: add, change and view services (not publish, delete, lock or
  unlock), and enter the admin. What they may see is narrowed further to their own
  organisations' services in code (``registry.providers``).
- The workflow «Проверка реестра» with the task «Одобрение редактором реестра» (the
  group «Редакторы реестра»), assigned to services: what a provider submits is
  published when an editor approves it. Editors, who may publish, still publish
  directly.
- «Редакторы реестра» manage the members (add, change, delete, view).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


PROVIDERS = "Поставщики услуг"
EDITORS = "Редакторы реестра"
WORKFLOW = "Проверка реестра"
TASK = "Одобрение редактором реестра"

PROVIDER_PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"),
    ("registry", "service", "add_service", "Can add service"),
    ("registry", "service", "change_service", "Can change service"),
    ("registry", "service", "view_service", "Can view service"),
]
EDITOR_PERMISSIONS = [
    ("registry", "organizationmember", f"{action}_organizationmember", None)
    for action in ("add", "change", "delete", "view")
]


def permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    return Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": name or f"Can {codename.replace('_', ' ')}"},
    )[0]


def review_workflow(apps, editors):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        task_type, _ = ContentType.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )
        task = GroupApprovalTask.objects.create(name=TASK, content_type=task_type, active=True)
    task.groups.add(editors)
    workflow = Workflow.objects.filter(name=WORKFLOW).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW, active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    service_type, _ = ContentType.objects.get_or_create(app_label="registry", model="service")
    WorkflowContentType.objects.get_or_create(
        content_type=service_type, defaults={"workflow": workflow}
    )


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    providers, _ = Group.objects.get_or_create(name=PROVIDERS)
    providers.permissions.add(*[permission(apps, *spec) for spec in PROVIDER_PERMISSIONS])
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*[permission(apps, *spec) for spec in EDITOR_PERMISSIONS])
    review_workflow(apps, editors)


def remove(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=WORKFLOW).delete()
    apps.get_model("wagtailcore", "Task").objects.filter(name=TASK).delete()
    Group.objects.filter(name=PROVIDERS).delete()
    for group in Group.objects.filter(name=EDITORS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="registry", content_type__model="organizationmember"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0019_schedule_location"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        # They give "choose" permissions to every group with admin access; run them
        # first so that the providers' group gets exactly what is listed above.
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrganizationMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reminded_at",
                    models.DateTimeField(
                        blank=True,
                        editable=False,
                        help_text="Когда этому человеку последний раз писали о непроверенных записях",
                        null=True,
                        verbose_name="Последнее напоминание",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="registry.organization",
                        verbose_name="Организация",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="registry_memberships",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="Пользователь",
                    ),
                ),
            ],
            options={
                "verbose_name": "Сотрудник организации",
                "verbose_name_plural": "Сотрудники организаций",
                "ordering": ["organization__name", "user__username"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "organization"),
                        name="registry_member_unique_user_organization",
                    )
                ],
            },
        ),
        migrations.RunPython(create, remove),
    ]
