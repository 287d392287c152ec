"""The admin sidebar is built once per user and cached (core.admin_sidebar): what each person
sees in it must still be theirs and current."""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group

from safechildhood.core import admin_sidebar
from tests.registry.factories import DistrictFactory
from tests.requests.factories import SPECIALISTS, ReportFactory, make_staff


def menu(client) -> dict[str, str]:
    """The main menu's items as the sidebar's JavaScript receives them: name → label."""
    response = client.get("/admin/")
    assert response.status_code == 200
    props = BeautifulSoup(response.content, "html.parser").find(id="wagtail-sidebar-props")
    items: dict[str, str] = {}

    def walk(node) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("name"), str) and isinstance(node.get("label"), str):
                items[node["name"]] = node["label"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(props.string))
    return items


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """Counts the times Wagtail's own sidebar is built."""
    calls: list[int] = []
    build = admin_sidebar.build

    def counted(context):
        calls.append(context["request"].user.pk)
        return build(context)

    monkeypatch.setattr(admin_sidebar, "build", counted)
    return calls


@pytest.fixture
def district(db):
    return DistrictFactory()


@pytest.fixture
def specialist(district):
    return make_staff("spec", SPECIALISTS, [district])


def test_the_sidebar_is_built_once_and_then_read_from_the_cache(client, specialist, builds):
    client.force_login(specialist)
    first = menu(client)
    assert menu(client) == first and "inbox" in first
    assert builds == [specialist.pk]


def test_people_do_not_see_each_others_sidebar(client, specialist, builds):
    editor = make_staff("redaktor", "Редакторы реестра")
    client.force_login(specialist)
    theirs = menu(client)
    client.force_login(editor)
    mine = menu(client)
    assert "inbox" in theirs and "inbox" not in mine
    assert "Реестр помощи" in mine.values() and "Реестр помощи" not in theirs.values()
    assert builds == [specialist.pk, editor.pk]


def test_a_new_group_shows_in_the_sidebar_at_once(client, specialist):
    client.force_login(specialist)
    assert "Реестр помощи" not in menu(client).values()
    specialist.groups.add(Group.objects.get(name="Редакторы реестра"))
    assert "Реестр помощи" in menu(client).values()
    specialist.groups.remove(Group.objects.get(name="Редакторы реестра"))
    assert "Реестр помощи" not in menu(client).values()


def test_the_count_of_new_reports_is_always_current(client, district, specialist):
    client.force_login(specialist)
    assert menu(client)["inbox"] == "Обращения"
    ReportFactory(district=district)
    assert menu(client)["inbox"] == "Обращения (1)"
    ReportFactory(district=district)
    assert menu(client)["inbox"] == "Обращения (2)"


def test_the_count_of_registry_notes_is_always_current(client, db, builds):
    from safechildhood.registry.corrections import ServiceCorrection
    from tests.registry.factories import ServiceFactory

    editor = make_staff("redaktor", "Редакторы реестра")
    client.force_login(editor)
    assert "Сообщения об ошибках (" not in json.dumps(menu(client), ensure_ascii=False)
    ServiceCorrection.objects.create(service=ServiceFactory(), description="Сменился номер")
    assert "Сообщения об ошибках (1)" in menu(client).values()
    assert len(builds) == 2


def test_a_change_of_language_shows_at_once(client, specialist):
    client.force_login(specialist)
    assert menu(client)["inbox"] == "Обращения"
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(specialist)
    profile.preferred_language = "en"
    profile.save()
    assert menu(client)["inbox"] == "Reports"


def test_a_sign_in_elsewhere_keeps_the_cached_sidebars(client, specialist, builds):
    from django.test import Client

    other = make_staff("other", SPECIALISTS)
    client.force_login(specialist)
    menu(client)
    Client().force_login(other)  # saves the other's last_login
    menu(client)
    assert builds == [specialist.pk]
