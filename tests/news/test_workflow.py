"""Editorial workflow: editors submit, moderators approve, schedules really happen."""

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision, Workflow
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from safechildhood.core.publishing import (
    on_post_migrate,
    plan_publishing,
    publish_scheduled_content,
)
from safechildhood.news.models import NewsPage
from tests.news.conftest import soup
from tests.news.factories import NewsIndexPageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def make_user(username: str, group: str | None):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw")
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    return make_user("redaktor", "Редакторы")


@pytest.fixture
def moderator(db):
    return make_user("moderator", "Модераторы")


def draft(index, **kwargs) -> NewsPage:
    page = NewsPageFactory(parent=index, live=False, **kwargs)
    page.save_revision()
    return page


def later(**delta):
    """Patch the clock: `publish_scheduled` and the task read timezone.now()."""
    return mock.patch(
        "django.utils.timezone.now", return_value=timezone.now() + dt.timedelta(**delta)
    )


def test_roles_have_the_least_permissions(news_index, editor, moderator):
    page = NewsPageFactory(parent=news_index)
    as_editor = page.permissions_for_user(editor)
    assert as_editor.can_edit()
    assert news_index.permissions_for_user(editor).can_add_subpage()
    assert not as_editor.can_publish()
    assert not as_editor.can_unpublish()
    as_moderator = page.permissions_for_user(moderator)
    assert as_moderator.can_publish() and as_moderator.can_edit()
    for user in (editor, moderator):
        assert user.has_perm("wagtailadmin.access_admin")
        assert user.has_perm("registry.view_service")  # to choose services in an article
        assert not user.has_perm("auth.change_user")
        assert not user.has_perm("auth.change_group")
        assert not user.has_perm("registry.change_service")
    assert editor.has_perm("wagtail_localize.submit_translation")


def test_every_news_index_is_moderated_by_the_news_workflow(home, news_index, english_home):
    workflow = news_index.get_workflow()
    assert workflow is not None and workflow.name == "Модерация новостей"
    task = workflow.tasks.get().specific
    assert [g.name for g in task.groups.all()] == ["Модераторы"]
    article = NewsPageFactory(parent=news_index)
    assert article.get_workflow() == workflow
    english_index = NewsIndexPageFactory(parent=english_home, slug="news", title="News")
    assert english_index.get_workflow() == workflow
    assert Workflow.objects.filter(name="Модерация новостей").count() == 1


def test_editor_submits_and_moderator_approves_then_page_goes_live(
    client, news_index, editor, moderator
):
    page = draft(news_index, title="Новая служба медиации")
    workflow = page.get_workflow()
    workflow.start(page, editor)
    page.refresh_from_db()
    assert not page.live
    task_state = page.current_workflow_task_state
    task = task_state.task.specific
    assert task.get_actions(page, editor) == []  # an editor cannot approve their own work
    assert "approve" in [name for name, *_ in task.get_actions(page, moderator)]
    assert client.get(page.url).status_code == 404

    task.on_action(task_state, moderator, "approve")

    page.refresh_from_db()
    assert page.live
    assert page.current_workflow_state is None
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish", user=moderator).exists()
    assert client.get(page.url).status_code == 200
    listed = soup(client.get(news_index.url)).select(".news-card__title a")
    assert [a.get_text() for a in listed] == ["Новая служба медиации"]


def test_moderator_can_reject_and_page_stays_unpublished(news_index, editor, moderator):
    page = draft(news_index)
    page.get_workflow().start(page, editor)
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, moderator, "reject")
    page.refresh_from_db()
    assert not page.live
    assert page.current_workflow_state.status == "needs_changes"


def edit_form(page: NewsPage, **overrides) -> dict:
    data = {
        "title": page.title,
        "slug": page.slug,
        "date": page.date.isoformat(),
        "lead": page.lead,
        "cover_alt": "",
        "body": streamfield([]),
        "tags": "",
        "seo_title": "",
        "search_description": "",
        "comments": inline_formset([]),
        **overrides,
    }
    return nested_form_data(data)


def test_editor_pressing_publish_in_the_admin_never_publishes(client, news_index, editor):
    page = draft(news_index, title="Черновик редактора")
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = client.post(url, {**edit_form(page, title="Исправлено"), "action-publish": "1"})
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert not page.live
    assert page.get_latest_revision().as_object().title == "Исправлено"

    response = client.post(url, {**edit_form(page), "action-submit": "1"})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.workflow_in_progress
    assert page.current_workflow_state.workflow.name == "Модерация новостей"
    assert not page.live


def test_moderator_compares_revisions_in_the_admin(client, news_index, moderator):
    page = NewsPageFactory(parent=news_index, title="Было")
    first = page.save_revision()
    page.title = "Стало"
    second = page.save_revision()
    client.force_login(moderator)
    url = reverse("wagtailadmin_pages:revisions_compare", args=[page.pk, first.pk, second.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Стало" in response.content.decode()


def test_scheduled_page_goes_live_after_publish_scheduled(client, news_index):
    page = draft(news_index, title="Запланирована")
    page.go_live_at = timezone.now() + dt.timedelta(hours=1)
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live
    call_command("publish_scheduled", verbosity=0)
    page.refresh_from_db()
    assert not page.live  # not yet

    with later(hours=2):
        call_command("publish_scheduled", verbosity=0)
    page.refresh_from_db()
    assert page.live
    assert client.get(page.url).status_code == 200


def test_expired_page_is_unpublished_after_publish_scheduled(client, news_index):
    page = NewsPageFactory(parent=news_index, title="Временная")
    page.expire_at = timezone.now() + dt.timedelta(days=1)
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.live
    with later(days=2):
        call_command("publish_scheduled", verbosity=0)
    page.refresh_from_db()
    assert not page.live and page.expired
    assert client.get(page.url).status_code == 404
    assert soup(client.get(news_index.url)).select(".news-card") == []


def test_approved_submission_with_a_go_live_date_waits_for_it(news_index, editor, moderator):
    page = draft(news_index)
    page.go_live_at = timezone.now() + dt.timedelta(hours=3)
    page.save_revision(user=editor)
    page.get_workflow().start(page, editor)
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, moderator, "approve")
    page.refresh_from_db()
    assert not page.live
    assert Revision.page_revisions.filter(object_id=str(page.pk), approved_go_live_at__isnull=False)
    with later(hours=4):
        call_command("publish_scheduled", verbosity=0)
    page.refresh_from_db()
    assert page.live


@override_settings(TASKS=DB_TASKS)
def test_the_worker_is_told_when_to_publish(news_index, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    path = publish_scheduled_content.module_path
    page = draft(news_index)
    go_live_at = timezone.now() + dt.timedelta(hours=1)
    page.go_live_at = go_live_at
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    queued = DBTaskResult.objects.filter(task_path=path, status="READY")
    assert [task.run_after for task in queued] == [go_live_at]

    # A later schedule does not queue a second run: the first one plans the next.
    assert not plan_publishing(go_live_at + dt.timedelta(hours=5))
    assert queued.count() == 1

    # The worker runs the task when due: the page goes live, nothing else is planned.
    DBTaskResult.objects.filter(task_path=path).delete()
    with later(hours=2):
        publish_scheduled_content.call()
    page.refresh_from_db()
    assert page.live
    assert not DBTaskResult.objects.filter(task_path=path, status="READY").exists()


@override_settings(TASKS=DB_TASKS)
def test_expiry_is_planned_and_the_next_run_follows(news_index, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    path = publish_scheduled_content.module_path
    soon = NewsPageFactory(parent=news_index)
    soon.expire_at = timezone.now() + dt.timedelta(hours=1)
    later_page = NewsPageFactory(parent=news_index)
    later_page.expire_at = timezone.now() + dt.timedelta(hours=5)
    with django_capture_on_commit_callbacks(execute=True):
        soon.save_revision().publish()
        later_page.save_revision().publish()
    assert [t.run_after for t in DBTaskResult.objects.filter(task_path=path)] == [soon.expire_at]

    DBTaskResult.objects.filter(task_path=path).delete()
    with later(hours=2):
        publish_scheduled_content.call()
    soon.refresh_from_db()
    later_page.refresh_from_db()
    assert not soon.live and later_page.live
    next_runs = DBTaskResult.objects.filter(task_path=path, status="READY")
    assert [t.run_after for t in next_runs] == [later_page.expire_at]


def test_without_a_deferring_backend_planning_is_a_no_op(news_index):
    assert not plan_publishing(timezone.now() + dt.timedelta(hours=1))


def test_schedules_made_without_a_worker_are_planned_after_migrate(news_index):
    """`make run` and the container migrate on start: that is when lost plans are made."""
    from django_tasks_db.models import DBTaskResult

    page = draft(news_index)
    page.go_live_at = timezone.now() + dt.timedelta(hours=1)
    page.save_revision().publish()  # the immediate backend of the tests cannot defer
    with override_settings(TASKS=DB_TASKS):
        on_post_migrate(sender=None)
        queued = DBTaskResult.objects.filter(task_path=publish_scheduled_content.module_path)
        assert [task.run_after for task in queued] == [page.go_live_at]
        on_post_migrate(sender=None)
        assert queued.count() == 1


def test_editor_can_open_the_admin_forms(client, news_index, editor):
    page = NewsPageFactory(parent=news_index)
    client.force_login(editor)
    add = reverse("wagtailadmin_pages:add", args=["news", "newspage", news_index.pk])
    assert client.get(add).status_code == 200
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert edit.status_code == 200
    html = edit.content.decode()
    assert "Описание обложки для незрячих" in html and "Районы" in html
    chooser = client.get(reverse("wagtailsnippetchoosers_registry_service:choose"))
    assert chooser.status_code == 200  # services can be chosen for «Службы из реестра»


def test_editor_previews_a_new_and_an_existing_article(client, news_index, editor):
    client.force_login(editor)
    page = NewsPageFactory(parent=news_index, tags=["медиация"])
    draft_data = edit_form(page, title="Предпросмотр черновика")
    edit_preview = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    assert client.post(edit_preview, draft_data).json()["is_valid"]
    response = client.get(edit_preview)
    assert response.status_code == 200
    assert "Предпросмотр черновика" in response.content.decode()

    add_preview = reverse(
        "wagtailadmin_pages:preview_on_add", args=["news", "newspage", news_index.pk]
    )
    new_data = edit_form(page, title="Новая статья", slug="novaya-statya")
    assert client.post(add_preview, new_data).json()["is_valid"]
    response = client.get(add_preview)
    assert response.status_code == 200
    assert "Новая статья" in response.content.decode()
