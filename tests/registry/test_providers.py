"""Provider accounts: an organisation's staff edit only their own services, and what they
save waits for the registry editors' approval («Проверка реестра»)."""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import ModelLogEntry, WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from safechildhood.registry.importing.admin import can_import
from safechildhood.registry.models import Service
from safechildhood.registry.providers import is_provider

from .factories import LocationFactory, OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(Service.snippet_viewset.get_url_name(name), args=args)


@pytest.fixture
def other_org():
    return OrganizationFactory(name="Центр «Чужой» (демо)")


@pytest.fixture
def provider_client(client, provider):
    client.force_login(provider)
    return client


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("redaktor", password="x")
    user.groups.add(Group.objects.get(name="Редакторы реестра"))
    return user


@pytest.fixture
def own(own_org):
    service = ServiceFactory(name="Своя служба", organization=own_org)
    service.save_revision().publish()
    return service


@pytest.fixture
def other(other_org):
    service = ServiceFactory(name="Чужая служба", organization=other_org)
    service.save_revision().publish()
    return service


def test_the_group_cannot_publish_delete_or_touch_organisations():
    perms = set(
        Group.objects.get(name="Поставщики услуг").permissions.values_list("codename", flat=True)
    )
    assert perms == {"access_admin", "add_service", "change_service", "view_service"}


def test_editors_and_superusers_are_not_limited(editor, django_user_model, provider):
    admin = django_user_model.objects.create_superuser("root", password="x")
    assert is_provider(provider)
    assert not is_provider(editor)
    assert not is_provider(admin)


def test_listing_shows_only_own_organisations_services(provider_client, own, other):
    page = provider_client.get(url("list")).content.decode()
    assert "Своя служба" in page
    assert "Чужая служба" not in page


PK_URLS = [
    ("edit", ()),
    ("delete", ()),
    ("usage", ()),
    ("history", ()),
    ("history_results", ()),
    ("copy", ()),
    ("preview_on_edit", ()),
    ("unpublish", ()),
    ("lock", ()),
    ("unlock", ()),
    ("workflow_history", ()),
    ("confirm_workflow_cancellation", ()),
]


@pytest.mark.parametrize(("name", "extra"), PK_URLS)
def test_another_organisations_service_is_not_found_at_any_address(
    provider_client, other, name, extra
):
    assert provider_client.get(url(name, other.pk, *extra)).status_code == 404
    assert provider_client.post(url(name, other.pk, *extra), {}).status_code == 404


def test_revisions_of_another_organisations_service_are_not_found(provider_client, other):
    revision = other.latest_revision
    for name in ("revisions_view", "revisions_revert", "revisions_unschedule"):
        assert provider_client.get(url(name, other.pk, revision.pk)).status_code == 404
    compare = url("revisions_compare", other.pk, "earliest", "latest")
    assert provider_client.get(compare).status_code == 404


def test_nothing_was_changed_or_deleted_by_the_refused_requests(provider_client, other):
    provider_client.post(url("delete", other.pk))
    provider_client.post(url("unpublish", other.pk))
    other.refresh_from_db()
    assert other.live


def test_bulk_actions_skip_another_organisations_service(provider_client, other, own):
    for action in ("delete", "mark_verified"):
        bulk = reverse("wagtail_bulk_action", args=("registry", "service", action))
        provider_client.post(f"{bulk}?id={other.pk}")
    other.refresh_from_db()
    assert other.assured_date is None
    assert not ModelLogEntry.objects.filter(object_id=str(other.pk), user__isnull=False).exists()


def test_provider_may_open_own_service(provider_client, own):
    assert provider_client.get(url("edit", own.pk)).status_code == 200


def test_organisation_choice_is_limited_to_own(provider_client, own_org, other_org):
    page = provider_client.get(url("add"))
    data = querydict_from_html(page.content.decode(), form_id="w-editor-form")
    assert "Центр «Чужой» (демо)" not in page.content.decode()
    data.update({"name": "Новая служба", "description": "Помогаем.", "is_free": "on"})
    data["organization"] = str(other_org.pk)
    response = provider_client.post(url("add"), data)
    assert response.status_code == 200  # the form again, with its error
    assert not Service.objects.filter(name="Новая служба").exists()

    data["organization"] = str(own_org.pk)
    assert provider_client.post(url("add"), data).status_code == 302
    created = Service.objects.get(name="Новая служба")
    assert created.organization == own_org
    assert not created.live


def edit_data(client, service, **changes):
    data = querydict_from_html(
        client.get(url("edit", service.pk)).content.decode(), "w-editor-form"
    )
    data["is_free"] = "on"
    data.update(changes)
    return data


def test_provider_cannot_publish(provider_client, own):
    data = edit_data(provider_client, own, name="Переименовано", **{"action-publish": "1"})
    provider_client.post(url("edit", own.pk), data)
    own.refresh_from_db()
    assert own.name == "Своя служба"  # the live entry stays as it was
    assert own.has_unpublished_changes  # the change is kept as a draft
    assert own.latest_revision.content["name"] == "Переименовано"
    assert not ModelLogEntry.objects.filter(
        object_id=str(own.pk), action="wagtail.publish", user__username="postavshchik"
    ).exists()


def test_submit_is_the_providers_main_button(provider_client, own):
    page = provider_client.get(url("edit", own.pk)).content.decode()
    assert "Проверка реестра" in page
    assert 'name="action-publish"' not in page


def test_submitted_change_waits_for_an_editor_who_publishes_it(
    provider_client, own, editor, client
):
    data = edit_data(provider_client, own, name="Переименовано", **{"action-submit": "1"})
    assert provider_client.post(url("edit", own.pk), data).status_code == 302
    own.refresh_from_db()
    assert own.name == "Своя служба"
    state = WorkflowState.objects.get(object_id=str(own.pk), status="in_progress")
    assert state.workflow.name == "Проверка реестра"

    client.force_login(editor)
    task_state = state.current_task_state
    action = url("workflow_action", own.pk, "approve", task_state.pk)
    assert client.post(action, {"comment": ""}).status_code in (200, 302)
    own.refresh_from_db()
    assert own.name == "Переименовано"
    assert own.live


def test_editor_still_publishes_directly(editor, client, own):
    client.force_login(editor)
    data = edit_data(client, own, name="Сразу", **{"action-publish": "action-publish"})
    assert client.post(url("edit", own.pk), data).status_code == 302
    own.refresh_from_db()
    assert own.name == "Сразу"


def test_provider_cannot_import(provider):
    assert not can_import(provider)


def test_service_chooser_lists_only_own_services(provider_client, own, other, editor, client):
    choose = reverse(Service.snippet_viewset.chooser_viewset.get_url_name("choose_results"))
    page = provider_client.get(choose).content.decode()
    assert "Своя служба" in page
    assert "Чужая служба" not in page

    client.force_login(editor)
    page = client.get(choose).content.decode()
    assert "Своя служба" in page and "Чужая служба" in page


def test_provider_cannot_set_verification_or_move_to_another_organisation(
    provider_client, own, other_org
):
    data = edit_data(provider_client, own, **{"action-submit": "1"})
    assert "assured_date" not in data and "assurer" not in data  # not in their form
    data.update({"assured_date": "2026-01-01", "organization": str(other_org.pk)})
    response = provider_client.post(url("edit", own.pk), data)
    assert response.status_code == 200  # the form again: not one of their organisations
    own.refresh_from_db()
    assert own.organization != other_org
    assert own.assured_date is None
    assert own.latest_revision.content["organization"] != other_org.pk
    assert not own.workflow_in_progress


# --- the «Реестр помощи» menu: what a provider sees, they may open -----------------------


def registry_menu(client) -> set[str]:
    """Which of the registry's menu labels the signed-in user's sidebar holds (the menu
    is rendered by JavaScript from JSON props: read them as data)."""
    soup = BeautifulSoup(client.get(reverse("wagtailadmin_home")).content, "html.parser")
    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict | list):
            for value in node.values() if isinstance(node, dict) else node:
                walk(value)
        elif node in REGISTRY_ITEMS:
            found.add(node)

    walk(json.loads(soup.find(id="wagtail-sidebar-props").string))
    return found


REGISTRY_ITEMS = {
    "Службы",
    "Требуют проверки",
    "Без района",
    "Импорт из CSV",
    "Выгрузка HSDS (zip)",
    "Сотрудники организаций",
    "Организации",
}


def test_provider_menu_has_their_own_lists_and_not_the_editors_tools(provider_client):
    menu = registry_menu(provider_client)
    assert {"Службы", "Требуют проверки", "Без района"} <= menu
    assert not menu & {"Импорт из CSV", "Выгрузка HSDS (zip)", "Сотрудники организаций"}
    assert "Организации" not in menu


def test_editor_menu_has_the_whole_registrys_tools(editor, client):
    client.force_login(editor)
    assert REGISTRY_ITEMS <= registry_menu(client)


def test_provider_cannot_download_the_whole_registry(provider_client, editor, client, own):
    export = reverse("registry_export:hsds")
    refused = provider_client.get(export)
    assert refused.status_code in (302, 403)  # Wagtail's admin turns 403 into a redirect
    assert refused.get("Content-Type") != "application/zip"
    client.force_login(editor)
    assert client.get(export).status_code == 200


@pytest.mark.parametrize("query", [{"verified": "stale"}, {"no_district": "true"}])
def test_providers_lists_from_the_menu_hold_only_their_own_entries(
    provider_client, own, other, query
):
    """«Требуют проверки» and «Без района» open the services list filtered: theirs only."""
    for service in (own, other):  # never verified, and a place whose district is unknown
        LocationFactory(service=service, district=None, latitude=None, longitude=None)
    response = provider_client.get(url("list"), query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Своя служба" in page
    assert "Чужая служба" not in page


# --- a place added by a provider keeps its own hours through the editors' approval ---------


def add_inline(data, prefix: str, **values) -> None:
    """One more row of an inline panel (a place, an hours row) in the posted form."""
    number = int(data[f"{prefix}-TOTAL_FORMS"])
    for key, value in {"id": "", "ORDER": str(number + 1), "DELETE": "", **values}.items():
        data[f"{prefix}-{number}-{key}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(number + 1)


def place_choice(client, service, label: str) -> str:
    """The value of `label` in the edit form's «Место» choice of an hours row."""
    page = BeautifulSoup(client.get(url("edit", service.pk)).content, "html.parser")
    select = page.select_one("select[name='schedules-__prefix__-location']") or page.find(
        "select", attrs={"name": lambda name: name and name.endswith("-location")}
    )
    assert select is not None, "no «Место» choice in the form"
    # In the inline panel's <template>: its text is not `get_text()`'s by default.
    options = {str(option.string).strip(): option["value"] for option in select.find_all("option")}
    assert label in options, options
    return options[label]


def test_a_providers_new_place_keeps_its_hours_through_approval(
    provider_client, own, editor, client
):
    # 1. The provider adds a branch: a draft, the live entry unchanged.
    data = edit_data(provider_client, own)
    add_inline(data, "locations", name="Филиал на Новой (демо)", address="ул. Новая, д. 3")
    assert provider_client.post(url("edit", own.pk), data).status_code == 302
    assert not own.locations.filter(name="Филиал на Новой (демо)").exists()

    # 2. The provider gives the branch its own hours and sends the entry for approval.
    data = edit_data(provider_client, own, **{"action-submit": "1"})
    branch = place_choice(provider_client, own, "Филиал на Новой (демо)")
    add_inline(data, "schedules", weekday="5", opens_at="10:00", closes_at="14:00", location=branch)
    assert provider_client.post(url("edit", own.pk), data).status_code == 302

    # 3. An editor approves: the published entry has those hours at that branch.
    client.force_login(editor)
    state = WorkflowState.objects.get(object_id=str(own.pk), status="in_progress")
    approve = url("workflow_action", own.pk, "approve", state.current_task_state.pk)
    assert client.post(approve, {"comment": ""}).status_code in (200, 302)
    own.refresh_from_db()
    place = own.locations.get(name="Филиал на Новой (демо)")
    assert [(row.weekday, f"{row.opens_at:%H:%M}") for row in place.schedules.all()] == [
        (5, "10:00")
    ]
    assert not own.schedules.filter(location=None, weekday=5).exists()
