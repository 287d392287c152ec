"""The registry in the Wagtail admin, as a «Редакторы реестра» member uses it."""

import csv
import datetime as dt
import io
import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, ModelLogEntry, Page
from wagtail.test.utils.form_data import querydict_from_html

from safechildhood.registry.models import Organization, OrganizationPhone, Phone, Service

from .factories import (
    DistrictFactory,
    LocationFactory,
    OrganizationFactory,
    OrganizationPhoneFactory,
    PhoneFactory,
    ServiceAreaFactory,
    ServiceFactory,
    weekday_hours,
)

pytestmark = pytest.mark.django_db

EXPECTED_PERMISSIONS = {
    "wagtailadmin.access_admin",
    "wagtail_localize.submit_translation",
    "registry.add_service",
    "registry.change_service",
    "registry.delete_service",
    "registry.view_service",
    "registry.publish_service",
    "registry.lock_service",
    "registry.unlock_service",
    "registry.add_organization",
    "registry.change_organization",
    "registry.delete_organization",
    "registry.view_organization",
    "registry.add_servicekind",
    "registry.change_servicekind",
    "registry.view_servicekind",
    "registry.add_targetgroup",
    "registry.change_targetgroup",
    "registry.view_targetgroup",
    "registry.add_district",
    "registry.change_district",
    "registry.view_district",
    "registry.view_servicecorrection",
    "registry.change_servicecorrection",
    "registry.add_settlement",
    "registry.change_settlement",
    "registry.delete_settlement",
    "registry.view_settlement",
    "registry.add_everydayphrase",
    "registry.change_everydayphrase",
    "registry.delete_everydayphrase",
    "registry.view_everydayphrase",
    "registry.add_calendarday",
    "registry.change_calendarday",
    "registry.delete_calendarday",
    "registry.view_calendarday",
    "registry.add_organizationmember",
    "registry.change_organizationmember",
    "registry.delete_organizationmember",
    "registry.view_organizationmember",
}


def url(name, *args):
    return reverse(Service.snippet_viewset.get_url_name(name), args=args)


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("redaktor", password="x", first_name="Ольга")
    user.groups.add(Group.objects.get(name="Редакторы реестра"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def service():
    service = ServiceFactory(name="Служба медиации (демо)", kinds=["mediation"])
    LocationFactory(service=service, district=DistrictFactory(name="Сокольский округ"))
    PhoneFactory(service=service, number="8 (000) 000-00-01")
    weekday_hours(service)
    return service


def test_group_has_exactly_the_registry_permissions():
    group = Group.objects.get(name="Редакторы реестра")
    granted = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }
    assert granted == EXPECTED_PERMISSIONS


def test_editor_cannot_touch_pages_users_or_delete_taxonomy(editor):
    assert editor.has_perm("registry.publish_service")
    for forbidden in [
        "wagtailcore.add_page",
        "wagtailcore.change_page",
        "auth.change_user",
        "registry.delete_servicekind",
        "registry.delete_district",
        "wagtailimages.choose_image",
    ]:
        assert not editor.has_perm(forbidden), forbidden
    assert not Permission.objects.filter(group__name="Редакторы реестра", codename__contains="page")


def sidebar_text(response) -> str:
    """The admin menu is rendered by JavaScript from JSON props: read them as text."""
    props = BeautifulSoup(response.content, "html.parser").find(id="wagtail-sidebar-props")
    return json.dumps(json.loads(props.string), ensure_ascii=False)


def test_menu_group_and_listing_load(editor_client, service):
    home = editor_client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    menu = sidebar_text(home)
    assert "Реестр помощи" in menu and "Требуют проверки" in menu
    response = editor_client.get(url("list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Служба медиации (демо)" in html
    assert "Сокольский округ" in html


@pytest.mark.parametrize(
    "query",
    [
        {"status": "active"},
        {"verified": "stale"},
        {"verified": "never"},
        {"is_24_7": "false"},
        {"q": "медиации"},
    ],
)
def test_listing_filters_and_search(editor_client, service, query):
    response = editor_client.get(url("list"), query)
    assert response.status_code == 200
    assert "Служба медиации (демо)" in response.content.decode()


def test_district_and_kind_filters_include_service_areas(editor_client, service):
    other = ServiceFactory(name="Выездная бригада (демо)", kinds=["mobile_team"])
    district = service.locations.first().district
    ServiceAreaFactory(service=other, district=district)
    ServiceFactory(name="Где-то ещё (демо)")
    html = editor_client.get(url("list"), {"district": district.pk}).content.decode()
    assert "Служба медиации (демо)" in html and "Выездная бригада (демо)" in html
    assert "Где-то ещё (демо)" not in html
    kind = service.kinds.get()
    html = editor_client.get(
        url("list"), {"kind": kind.pk, "district": district.pk, "q": "демо"}
    ).content.decode()
    assert "Служба медиации (демо)" in html and "Выездная бригада (демо)" not in html


def test_listing_columns_add_no_queries_per_row(editor_client, service):
    """Districts, organisation and verification columns come from prefetching.

    Wagtail's live-status tag and wagtail-localize's translate button cost up to three
    queries per row of their own (a page holds at most 50 rows); ours add none.
    """

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(url("list")).status_code == 200
        return len(queries)

    one_row = count()
    for _ in range(10):
        extra = ServiceFactory()
        LocationFactory(service=extra)
        ServiceAreaFactory(service=extra)
        PhoneFactory(service=extra)
    assert count() - one_row <= 3 * 10


def test_csv_export(editor_client, service):
    response = editor_client.get(url("list"), {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "Название"
    row = next(r for r in rows if r[0] == "Служба медиации (демо)")
    assert "Сокольский округ" in row
    assert any("8 (000) 000-00-01" in cell for cell in row)


def test_edit_view_loads_and_saves_inline_phones(editor_client, service):
    edit_url = url("edit", service.pk)
    response = editor_client.get(edit_url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="w-editor-form")
    data["name"] = "Служба семейной медиации (демо)"
    data["is_free"] = "on"  # the parser sends checked checkboxes without a value
    data["phones-TOTAL_FORMS"] = "2"
    data["phones-1-number"] = "8 (000) 000-00-02"
    data["phones-1-kind"] = Phone.Kind.HOTLINE
    data["phones-1-description"] = ""
    data["phones-1-ORDER"] = "2"
    data["phones-1-id"] = ""
    data["phones-1-DELETE"] = ""
    data["action-publish"] = "action-publish"
    response = editor_client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    service.refresh_from_db()
    assert service.name == "Служба семейной медиации (демо)"
    assert sorted(service.phones.values_list("number", flat=True)) == [
        "8 (000) 000-00-01",
        "8 (000) 000-00-02",
    ]
    assert ModelLogEntry.objects.filter(object_id=str(service.pk), action="wagtail.publish")


def test_add_view_loads(editor_client):
    assert editor_client.get(url("add")).status_code == 200


# --- Organisations: phones edited inline ---------------------------------------------------------


def org_url(name, *args):
    return reverse(Organization.snippet_viewset.get_url_name(name), args=args)


def test_organization_edit_view_saves_two_inline_phones(editor_client):
    organization = OrganizationFactory(name="КЦСОН «Демо» (демо)")
    edit_url = org_url("edit", organization.pk)
    response = editor_client.get(edit_url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="w-editor-form")
    assert data["phones-TOTAL_FORMS"] == "0"
    data["email"] = "kcson@example.org"
    data["phones-TOTAL_FORMS"] = "2"
    for n, (number, kind, description) in enumerate(
        [
            ("8 (000) 000-00-11", OrganizationPhone.Kind.DAYTIME, "приёмная"),
            ("8 (000) 000-00-12", OrganizationPhone.Kind.MOBILE, ""),
        ]
    ):
        data[f"phones-{n}-number"] = number
        data[f"phones-{n}-kind"] = kind
        data[f"phones-{n}-description"] = description
        data[f"phones-{n}-ORDER"] = str(n + 1)
        data[f"phones-{n}-id"] = ""
        data[f"phones-{n}-DELETE"] = ""
    response = editor_client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    organization.refresh_from_db()
    assert organization.email == "kcson@example.org"
    phones = list(organization.phones.all())
    assert [(p.number, p.kind, p.description) for p in phones] == [
        ("8 (000) 000-00-11", "daytime", "приёмная"),
        ("8 (000) 000-00-12", "mobile", ""),
    ]
    assert {p.locale_id for p in phones} == {organization.locale_id}
    assert len({p.translation_key for p in phones}) == 2

    # The form now shows both; deleting the first keeps the second.
    data = querydict_from_html(editor_client.get(edit_url).content.decode(), "w-editor-form")
    assert data["phones-TOTAL_FORMS"] == "2"
    data["phones-0-DELETE"] = "1"
    assert editor_client.post(edit_url, data).status_code == 302
    assert [p.number for p in organization.phones.all()] == ["8 (000) 000-00-12"]


def test_organization_listing_and_export_show_all_phones(editor_client):
    organization = OrganizationFactory(name="КЦСОН «Демо» (демо)")
    OrganizationPhoneFactory(organization=organization, number="8 (000) 000-00-11")
    OrganizationPhoneFactory(organization=organization, number="8 (000) 000-00-12")

    def listing() -> tuple[str, int]:
        """The page and its number of queries on phones (wagtail-localize's per-row translate
        button costs queries of its own, see test_listing_columns_add_no_queries_per_row)."""
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(org_url("list"))
        assert response.status_code == 200
        on_phones = [q for q in queries if "registry_organizationphone" in q["sql"]]
        return response.content.decode(), len(on_phones)

    html, queries = listing()
    assert "8 (000) 000-00-11, 8 (000) 000-00-12" in html
    assert queries == 1
    for _ in range(5):
        OrganizationPhoneFactory(organization=OrganizationFactory())
    assert listing()[1] == 1  # phones are prefetched, not read per row

    response = editor_client.get(org_url("list"), {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    column = rows[0].index("Телефоны")
    row = next(r for r in rows if r[0] == "КЦСОН «Демо» (демо)")
    assert row[column] == "8 (000) 000-00-11, 8 (000) 000-00-12"


def test_translating_an_organization_copies_its_phones(client, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(admin)
    organization = OrganizationFactory(name="КЦСОН «Демо» (демо)")
    OrganizationPhoneFactory(organization=organization, number="8 (000) 000-00-11")
    OrganizationPhoneFactory(
        organization=organization,
        number="8 (000) 000-00-12",
        kind=OrganizationPhone.Kind.MOBILE,
        description="директор",
    )
    en = Locale.objects.get_or_create(language_code="en")[0]
    submit_url = reverse(
        "wagtail_localize:submit_snippet_translation",
        args=["registry", "organization", organization.pk],
    )
    assert client.get(submit_url).status_code == 200
    assert client.post(submit_url, {"locales": [en.pk]}).status_code == 302
    english = Organization.objects.get(locale=en, translation_key=organization.translation_key)
    source_phones = list(organization.phones.all())
    phones = list(english.phones.all())
    assert [(p.number, p.kind, p.description) for p in phones] == [
        ("8 (000) 000-00-11", "daytime", ""),
        ("8 (000) 000-00-12", "mobile", "директор"),
    ]
    assert {p.locale_id for p in phones} == {en.pk}
    assert [p.translation_key for p in phones] == [p.translation_key for p in source_phones]
    assert organization.phones.count() == 2  # the source keeps its own


def test_mark_verified_from_the_list(editor_client, editor, service):
    modified = service.modified
    action_url = reverse("wagtail_bulk_action", args=("registry", "service", "mark_verified"))
    confirm = editor_client.get(action_url, {"id": service.pk})
    assert confirm.status_code == 200
    assert "Служба медиации (демо)" in confirm.content.decode()
    response = editor_client.post(f"{action_url}?id={service.pk}")
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.assured_date == timezone.localdate()
    assert service.assurer == editor
    assert service.modified == modified  # verifying is not editing
    assert ModelLogEntry.objects.filter(
        object_id=str(service.pk), action="registry.mark_verified", user=editor
    ).exists()
    # The row button points at the same action.
    html = editor_client.get(url("list")).content.decode()
    assert f"mark_verified/?id={service.pk}" in html


def test_publishing_an_old_draft_keeps_the_newer_verification(editor, service):
    service.save_revision(user=editor)  # a draft made before the verification
    revision = service.latest_revision
    Service.objects.filter(pk=service.pk).update(assured_date=timezone.localdate())
    service.refresh_from_db()
    revision.refresh_from_db()
    revision.publish(user=editor)
    service.refresh_from_db()
    assert service.assured_date == timezone.localdate()


def test_user_without_permission_cannot_mark_verified(client, django_user_model, service):
    user = django_user_model.objects.create_user("other", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    action_url = reverse("wagtail_bulk_action", args=("registry", "service", "mark_verified"))
    client.post(f"{action_url}?id={service.pk}")
    service.refresh_from_db()
    assert service.assured_date is None
    assert (
        "Реестр: давно не проверялись"
        not in client.get(reverse("wagtailadmin_home")).content.decode()
    )


def test_freshness_panel_lists_stale_services(editor_client, settings, service):
    settings.REGISTRY_STALE_AFTER_DAYS = 30
    ServiceFactory(name="Свежая (демо)", assured_date=timezone.localdate())
    ServiceFactory(name="Старая (демо)", assured_date=timezone.localdate() - dt.timedelta(days=31))
    ServiceFactory(name="Черновик (демо)", live=False)
    html = editor_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Реестр: давно не проверялись" in html
    assert "Старая (демо)" in html and "Служба медиации (демо)" in html
    assert "Свежая (демо)" not in html and "Черновик (демо)" not in html
    assert "verified=stale" in html


def test_preview_renders_without_confidential_address(service):
    LocationFactory(service=service, address="ул. Тайная, 7", is_confidential=True)
    response = service.make_preview_request()
    assert response.status_code == 200
    html = response.render().content.decode() if hasattr(response, "render") else ""
    assert "Служба медиации (демо)" in html
    assert "Тайная" not in html


# --- «Сообщения об ошибках»: visitors' notes in the admin ------------------------------


def test_notes_wait_in_the_admin_until_an_editor_marks_them_done(editor_client, service):
    from safechildhood.registry.corrections import ServiceCorrection

    note = ServiceCorrection.objects.create(
        service=service, description="Телефон не отвечает, сменился номер", contact="мама Ани"
    )
    home = editor_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Реестр: сообщения об ошибках" in home and "Телефон не отвечает" in home
    assert "Сообщения об ошибках (1)" in sidebar_text(
        editor_client.get(reverse("wagtailadmin_home"))
    )

    listing = editor_client.get("/admin/registry_corrections/?is_resolved=false")
    assert listing.status_code == 200
    assert "Телефон не отвечает" in listing.content.decode()
    edit_url = f"/admin/registry_corrections/edit/{note.pk}/"
    page = editor_client.get(edit_url).content.decode()
    assert "мама Ани" in page  # the whole note, read-only
    response = editor_client.post(edit_url, {"is_resolved": "on"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.is_resolved
    assert note.description == "Телефон не отвечает, сменился номер"  # not editable
    assert "Сообщения об ошибках (" not in sidebar_text(
        editor_client.get(reverse("wagtailadmin_home"))
    )

    assert ModelLogEntry.objects.filter(object_id=str(note.pk), action="wagtail.edit").exists()


def test_notes_cannot_be_added_by_hand(editor_client):
    listing = editor_client.get("/admin/registry_corrections/").content.decode()
    assert "/admin/registry_corrections/new/" not in listing
    assert editor_client.get("/admin/registry_corrections/new/").status_code in (302, 403)


def test_registry_editors_translate_services_but_not_pages(editor_client, service):
    from tests.factories import StandardPageFactory, build_site

    home = build_site()
    page = StandardPageFactory(parent=home, title="Как получить помощь")
    en = Locale.objects.get_or_create(language_code="en")[0]
    page_url = reverse("wagtail_localize:submit_page_translation", args=[page.pk])
    assert editor_client.get(page_url).status_code == 403
    assert editor_client.post(page_url, {"locales": [en.pk]}).status_code == 403
    assert not Page.objects.filter(locale=en).exists()

    service_url = reverse(
        "wagtail_localize:submit_snippet_translation",
        args=["registry", "service", service.pk],
    )
    assert editor_client.get(service_url).status_code == 200
    response = editor_client.post(service_url, {"locales": [en.pk]})
    assert response.status_code == 302
    english = Service.objects.get(locale=en, translation_key=service.translation_key)
    assert english.phones.count() == 1 and english.locations.count() == 1
    assert [kind.code for kind in english.kinds.all()] == ["mediation"]


def test_page_editors_still_translate_pages(client, django_user_model):
    from tests.factories import StandardPageFactory, build_site

    home = build_site()
    page = StandardPageFactory(parent=home, title="Как получить помощь")
    user = django_user_model.objects.create_user("news", password="x")
    user.groups.add(Group.objects.get(name="Редакторы"))
    client.force_login(user)
    url = reverse("wagtail_localize:submit_page_translation", args=[page.pk])
    assert client.get(url).status_code == 200
