"""«Импорт из CSV» in the admin, as a registry editor uses it: upload → report → confirm."""

import json
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry, Revision

from safechildhood.registry.models import Service

from .factories import DistrictFactory, ServiceFactory

pytestmark = pytest.mark.django_db

UPLOAD = "/admin/registry/import/"
APPLY = "/admin/registry/import/apply/"
TEMPLATE = "/admin/registry/import/template.csv"

GOOD_CSV = (
    "external_id;name;description;district;address;kinds;phone;phone_kind;hours\n"
    "adm-1;Служба медиации (демо);Помогаем договориться;sokolsky;г. Сокол, ул. Демо, 1 (демо);"
    "mediation;8 (000) 000-55-01;горячая линия;пн-пт 9-18\n"
    "adm-2;Зелёная комната (демо);Беседа с ребёнком;Сокольский округ;"
    "г. Сокол, ул. Демо, 2 (демо);green_room;;;\n"
)
BAD_CSV = (
    "external_id;name;description;district;address;kinds;hours\n"
    "adm-1;Служба медиации (демо);Помогаем договориться;sokolsky;г. Сокол (демо);"
    "mediation;пн-пт 9-18\n"
    "adm-2;Вторая (демо);Описание;Атлантида;ул. Демо (демо);колдовство;когда придётся\n"
)


@pytest.fixture(autouse=True)
def district():
    return DistrictFactory(name="Сокольский округ", slug="sokolsky")


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("redaktor", password="x")
    user.groups.add(Group.objects.get(name="Редакторы реестра"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def upload(client, content: bytes | str, name="services.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data, "text/csv")})


def token_of(response) -> str | None:
    field = BeautifulSoup(response.content, "html.parser").select_one("input[name=token]")
    return field["value"] if field else None


def problem_rows(response) -> list[tuple[str, str, str, str]]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        tuple(cell.get_text(" ", strip=True) for cell in row.find_all("td"))
        for row in soup.select("[data-import-problems] tbody tr")
    ]


def test_menu_item_and_page_for_editors(editor_client):
    home = editor_client.get("/admin/")
    assert UPLOAD in home.content.decode()
    page = editor_client.get(UPLOAD)
    assert page.status_code == 200
    text = page.content.decode()
    assert "external_id" in text and "Скачать образец CSV" in text
    assert reverse("registry_import:upload") == UPLOAD


def test_template_download(editor_client):
    response = editor_client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode("utf-8").lstrip("\ufeff").startswith("external_id;name;")


def test_dry_run_then_confirm_creates_published_services(editor_client, editor):
    report = upload(editor_client, GOOD_CSV)
    assert report.status_code == 200
    assert problem_rows(report) == []
    plan = BeautifulSoup(report.content, "html.parser").select("[data-import-plan] tbody tr")
    assert [row.find_all("td")[0].get_text(strip=True) for row in plan] == ["создать", "создать"]
    assert not Service.objects.exists()  # the dry run writes nothing

    response = editor_client.post(APPLY, {"token": token_of(report)})
    assert response.status_code == 302
    assert response["Location"] == reverse(Service.snippet_viewset.get_url_name("list"))
    services = Service.objects.filter(external_id__in=["adm-1", "adm-2"])
    assert services.count() == 2 and all(s.live for s in services)
    mediation = services.get(external_id="adm-1")
    assert mediation.phones.get().kind == "hotline" and mediation.schedules.count() == 5
    revision = Revision.objects.for_instance(mediation).latest("created_at")
    assert revision.user == editor
    assert ModelLogEntry.objects.filter(
        object_id=str(mediation.pk), action="wagtail.publish", user=editor
    ).exists()
    messages = [m.message for m in response.wsgi_request._messages]
    assert any("новых служб 2" in m for m in messages)

    # The same file again: updates, no duplicates, and the old token is spent.
    assert editor_client.post(APPLY, {"token": token_of(report)}).status_code == 302
    again = upload(
        editor_client, GOOD_CSV.replace("Служба медиации (демо)", "Служба медиации (изм., демо)")
    )
    plan = BeautifulSoup(again.content, "html.parser").select("[data-import-plan] tbody tr")
    assert {row.find_all("td")[0].get_text(strip=True) for row in plan} == {"обновить"}
    editor_client.post(APPLY, {"token": token_of(again)})
    assert Service.objects.count() == 2
    assert Service.objects.get(external_id="adm-1").name == "Служба медиации (изм., демо)"


def test_bad_rows_are_reported_and_nothing_can_be_applied(editor_client):
    report = upload(editor_client, BAD_CSV)
    assert report.status_code == 200
    rows = problem_rows(report)
    located = {(row[1], row[2]) for row in rows if row[0] == "ошибка"}
    assert {("строка 3", "district"), ("строка 3", "kinds"), ("строка 3", "hours")} <= located
    assert not any(row[1] == "строка 2" for row in rows)
    assert token_of(report) is None  # no confirm button
    assert "ничего не будет записано" in report.content.decode()
    response = editor_client.post(APPLY, {"token": "forged"})
    assert response.status_code == 302 and response["Location"] == UPLOAD
    assert not Service.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (bytes(range(256)) * 20, "junk.csv", "двоичный"),
        (
            b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100,
            "services.xlsx",
            "сохраните таблицу как CSV",
        ),
        ("Название,Телефон\nЧто-то,123\n".encode("cp1251"), "other.csv", "обязательных колонок"),
        (b'{"services": 5}', "data.json", "HSDS"),
        (b"", "empty.csv", ""),
    ],
)
def test_files_that_are_not_registry_data_never_500(editor_client, content, name, fragment):
    response = upload(editor_client, content, name)
    assert response.status_code == 200
    text = response.content.decode()
    assert fragment in text
    assert token_of(response) is None
    assert not Service.objects.exists()


def test_too_big_file_is_refused(editor_client, monkeypatch):
    from safechildhood.registry.importing import admin

    monkeypatch.setattr(admin, "MAX_UPLOAD_BYTES", 100)
    response = upload(editor_client, GOOD_CSV)
    assert "больше 5 МБ" in response.content.decode()
    assert token_of(response) is None


def test_too_many_services_for_one_request(editor_client, monkeypatch):
    from safechildhood.registry.importing import admin

    monkeypatch.setattr(admin, "MAX_SERVICES", 1)
    response = upload(editor_client, GOOD_CSV)
    assert "import_hsds" in response.content.decode()
    assert token_of(response) is None


def test_windows_1251_csv_from_excel(editor_client):
    report = upload(editor_client, GOOD_CSV.encode("cp1251"))
    assert "Windows-1251" in report.content.decode()
    assert token_of(report)


def test_hsds_json_upload(editor_client, client):
    service = ServiceFactory(name="Служба из другого реестра (демо)", kinds=["mediation"])
    from .factories import LocationFactory

    LocationFactory(service=service, district=DistrictFactory(slug="sokolsky"))
    exported = client.get(f"/api/hsds/services/{service.hsds_id}").json()
    report = upload(editor_client, json.dumps(exported).encode(), "service.json")
    assert token_of(report), problem_rows(report)
    editor_client.post(APPLY, {"token": token_of(report)})
    assert Service.objects.filter(external_id=exported["id"]).exists()


def test_changes_between_check_and_confirm_are_caught(editor_client, district):
    report = upload(editor_client, GOOD_CSV)
    district.delete()  # e.g. another editor removed the district meanwhile
    response = editor_client.post(APPLY, {"token": token_of(report)})
    assert response.status_code == 200
    assert any(row[2] == "district" for row in problem_rows(response))
    assert not Service.objects.exists()


def test_without_publish_permission_services_are_drafts(client, django_user_model):
    group = Group.objects.create(name="Импорт без публикации")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["registry", "wagtailadmin"],
            codename__in=["access_admin", "add_service", "change_service", "view_service"],
        )
    )
    user = django_user_model.objects.create_user("stazher")
    user.groups.add(group)
    client.force_login(user)
    report = upload(client, GOOD_CSV)
    assert "черновиками" in report.content.decode()
    client.post(APPLY, {"token": token_of(report)})
    services = Service.objects.filter(external_id__in=["adm-1", "adm-2"])
    assert services.count() == 2 and not any(s.live for s in services)
    assert all(s.latest_revision_id for s in services)


@pytest.mark.parametrize("codenames", [["access_admin"], ["access_admin", "change_service"]])
def test_only_editors_who_can_add_and_change_services(client, django_user_model, codenames):
    group = Group.objects.create(name="Без импорта")
    group.permissions.set(Permission.objects.filter(codename__in=codenames))
    user = django_user_model.objects.create_user("chitatel")
    user.groups.add(group)
    client.force_login(user)
    # Wagtail turns "permission denied" into a redirect to the dashboard with a message.
    for response in (
        client.get(UPLOAD),
        client.get(TEMPLATE),
        upload(client, GOOD_CSV),
        client.post(APPLY, {"token": "x"}),
    ):
        assert response.status_code == 302 and response["Location"] == "/admin/"
    assert UPLOAD not in client.get("/admin/").content.decode()
    assert not Service.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and re.search(r"/admin/login/", response["Location"])
