"""Editorial roles and the news moderation workflow, with the least permissions needed.

«Редакторы» write and submit news and information pages: they may add and edit
pages, upload and choose images and documents, choose registry services for a
news article and submit translations; they cannot publish.
«Модераторы» approve or reject what editors submit (the workflow «Модерация
новостей» publishes the page on approval), may edit and publish pages, and
choose images and documents; they get no user, settings or delete rights.

Page permissions are granted on the tree's root page, like Wagtail's own default
groups: the home page and the news index do not exist yet when migrations run
(load_demo or an editor creates them), and the root covers them in every
language. The workflow is attached to each news index when it is created
(``safechildhood.news.signals``); this migration attaches it to indexes that
already exist. «Модераторы» also join the task of Wagtail's default workflow
(«Moderators approval», which moderates the rest of the page tree) when it exists,
so that they can approve information pages too.
"""

from django.db import migrations

EDITORS = "Редакторы"
MODERATORS = "Модераторы"
WORKFLOW = "Модерация новостей"
TASK = "Одобрение модератором"
DEFAULT_TASK = "Moderators approval"

PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    MODERATORS: ["change_page", "publish_page"],
}
COLLECTION_PERMISSIONS = {
    EDITORS: [
        ("wagtailimages", "image", "add_image"),
        ("wagtailimages", "image", "choose_image"),
        ("wagtaildocs", "document", "add_document"),
        ("wagtaildocs", "document", "choose_document"),
    ],
    MODERATORS: [
        ("wagtailimages", "image", "choose_image"),
        ("wagtaildocs", "document", "choose_document"),
    ],
}
MODEL_PERMISSIONS = {
    EDITORS: [
        ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"),
        ("registry", "service", "view_service", "Can view service"),
        ("wagtail_localize", "translation", "submit_translation", "Can submit translations"),
    ],
    MODERATORS: [
        ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"),
        ("registry", "service", "view_service", "Can view service"),
    ],
}


def permission(apps, app_label, model, codename, name=None):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    return Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": name or f"Can {codename.replace('_', ' ')}"},
    )[0]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    root_page = Page.objects.filter(depth=1).order_by("path").first()
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    groups = {}
    for name in (EDITORS, MODERATORS):
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        group.permissions.add(*[permission(apps, *spec) for spec in MODEL_PERMISSIONS[name]])
        if root_page is not None:
            for codename in PAGE_PERMISSIONS[name]:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=root_page,
                    permission=permission(apps, "wagtailcore", "page", codename),
                )
        if root_collection is not None:
            for app_label, model, codename in COLLECTION_PERMISSIONS[name]:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=permission(apps, app_label, model, codename),
                )

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK, content_type=task_type, active=True)
    task.groups.add(groups[MODERATORS])
    workflow = Workflow.objects.filter(name=WORKFLOW).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW, active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)

    NewsIndexPage = apps.get_model("news", "NewsIndexPage")
    for index_id in NewsIndexPage.objects.values_list("pk", flat=True):
        WorkflowPage.objects.get_or_create(page_id=index_id, defaults={"workflow": workflow})

    default_task = GroupApprovalTask.objects.filter(name=DEFAULT_TASK, active=True).first()
    if default_task is not None:
        default_task.groups.add(groups[MODERATORS])


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow.objects.filter(name=WORKFLOW).delete()
    Task.objects.filter(name=TASK).delete()
    Group.objects.filter(name__in=[EDITORS, MODERATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0001_initial"),
        ("registry", "0002_services"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtail_localize", "0006_create_submit_translation_permission"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        # They give "choose" permissions to every group with admin access; run them
        # first so that these groups get exactly what is listed above.
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
