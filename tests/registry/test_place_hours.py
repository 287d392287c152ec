"""Hours per place (issue 14, point 4): a place with weekly hours of its own keeps only
those, the other places the service's general hours; "open now", the week table, the next
opening and the holiday calendar work per place, on the page, in JSON-LD and in HSDS
(API, export, import). A confidential place's own hours are never published."""

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from wagtail.test.utils.form_data import querydict_from_html

from safechildhood.registry import hours, jsonld
from safechildhood.registry.importing import engine
from safechildhood.registry.importing.hsds_format import read_json_bytes, read_path
from safechildhood.registry.models import CalendarDay, Location, Organization, Schedule, Service
from safechildhood.registry.presentation import service_page

from .factories import LocationFactory, ScheduleFactory, ServiceFactory, weekday_hours
from .hsds_validation import SHARED_DIR, assert_valid

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
HOLIDAY = dt.date(2026, 11, 4)  # a Wednesday
SATURDAY = dt.date(2026, 11, 7)
API = "/api/hsds/"
SECRET_TIME = "07:07"  # the confidential place's own hours: never published


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=MSK)


@pytest.fixture
def clock(monkeypatch, settings):
    """`timezone.now` frozen on the Saturday after the holiday, 11:00 Moscow time."""
    settings.TIME_ZONE = "Europe/Moscow"
    moment = {"now": at(SATURDAY, 11)}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


@pytest.fixture
def service():
    """General hours Monday–Friday 9–18 (the centre); the branch works 12–20 on weekdays
    and 10–14 on Saturday; the shelter (confidential) has secret early hours of its own."""
    CalendarDay.objects.create(date=HOLIDAY, kind=CalendarDay.Kind.HOLIDAY, name="Праздник")
    service = ServiceFactory(name="Служба медиации (демо)")
    weekday_hours(service)
    LocationFactory(service=service, name="Центр (демо)", address="ул. Центральная, д. 1")
    branch = LocationFactory(service=service, name="Филиал (демо)", address="ул. Окраинная, д. 9")
    secret = LocationFactory(
        service=service, name="Приют «Тайна»", address="ул. Тайная, д. 7", is_confidential=True
    )
    for day in range(5):
        ScheduleFactory(
            service=service,
            location=branch,
            weekday=day,
            opens_at=dt.time(12),
            closes_at=dt.time(20),
        )
    ScheduleFactory(
        service=service, location=branch, weekday=5, opens_at=dt.time(10), closes_at=dt.time(14)
    )
    ScheduleFactory(
        service=service,
        location=secret,
        weekday=6,
        opens_at=dt.time(7, 7),
        closes_at=dt.time(8, 8),
    )
    service.save_revision().publish()
    return Service.objects.with_public_related().get(pk=service.pk)


def places(service: Service) -> tuple[Location, Location, Location]:
    centre, branch, secret = service.locations.all()
    return centre, branch, secret


# --- model -------------------------------------------------------------------------------------


def test_an_hours_row_cannot_name_another_services_place(service):
    other = LocationFactory()
    row = Schedule(service=service, location=other, weekday=0, opens_at=dt.time(9))
    row.closes_at = dt.time(18)
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "Это место другой службы" in str(error.value.message_dict["location"])
    row.location = places(service)[0]
    row.full_clean()  # one of its own places is fine


# --- hours ---------------------------------------------------------------------------------------


def test_open_now_per_place_and_for_the_service_across_a_holiday(service, clock):
    centre, branch, secret = places(service)
    saturday = at(SATURDAY, 11)
    assert hours.is_open_at(service, saturday, location=branch)
    assert not hours.is_open_at(service, saturday, location=centre)
    assert hours.is_open_at(service, saturday)  # the card: one public place is open
    assert service in Service.objects.open_at(saturday)  # the SQL filter agrees

    holiday = at(HOLIDAY, 13)  # both would be open on an ordinary Wednesday
    assert not hours.is_open_at(service, holiday, location=branch)
    assert not hours.is_open_at(service, holiday)
    assert service not in Service.objects.open_at(holiday)
    assert hours.next_opening(service, holiday, location=centre) == at(HOLIDAY + dt.timedelta(1), 9)
    assert hours.next_opening(service, holiday, location=branch) == at(
        HOLIDAY + dt.timedelta(1), 12
    )
    week = hours.week_hours(service, HOLIDAY, location=branch)
    assert week[2].periods == [] and "не работает" in week[2].note
    assert week[0].periods == [(dt.time(12), dt.time(20))]


def test_a_confidential_places_own_hours_never_make_the_service_open(service):
    sunday = at(SATURDAY + dt.timedelta(days=1), 7, 30)
    secret = places(service)[2]
    assert hours.is_open_at(service, sunday, location=secret)  # its own hours, for editors
    assert not hours.is_open_at(service, sunday)
    assert service not in Service.objects.open_at(sunday)
    assert hours.next_opening(service, sunday) == at(SATURDAY + dt.timedelta(days=2), 9)


# --- page and JSON-LD ---------------------------------------------------------------------------


def test_the_page_shows_a_places_own_hours_beside_it(client, service, clock):
    page = client.get(f"/services/{service.slug}/").content.decode()
    assert "Открыто сейчас" in page  # Saturday 11:00: the branch is open
    assert "Часы работы здесь:" in page
    branch_part = page[page.index("Филиал (демо)") : page.index("service-hours")]
    assert "12:00–20:00" in branch_part and "10:00–14:00" in branch_part
    centre_part = page[page.index("Центр (демо)") : page.index("Филиал (демо)")]
    assert "Часы работы здесь:" not in centre_part
    assert "В некоторых местах свои часы работы" in page
    assert SECRET_TIME not in page and "Тайная" not in page and "Тайна" not in page
    assert "Здесь свои часы работы: уточняйте по телефону." in page  # beside the shelter


def test_jsonld_gives_each_place_its_hours(service, clock):
    data = jsonld.service_jsonld(service_page(service))
    centre, branch = data["availableChannel"]["serviceLocation"]  # no confidential Place
    assert {s["opens"] for s in branch["openingHoursSpecification"] if "dayOfWeek" in s} == {
        "12:00",
        "10:00",
    }
    assert {s["opens"] for s in centre["openingHoursSpecification"] if "dayOfWeek" in s} == {
        "09:00"
    }
    assert {s["opens"] for s in data["hoursAvailable"] if "dayOfWeek" in s} == {"09:00"}
    assert SECRET_TIME not in json.dumps(data)


# --- HSDS -----------------------------------------------------------------------------------------


def api(client, path: str, **params) -> dict:
    response = client.get(API + path, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_hsds_api_puts_a_places_own_hours_on_its_service_at_location(client, service):
    detail = api(client, f"services/{service.hsds_id}")
    assert_valid(detail, "service.json")
    assert {s["opens_at"] for s in detail["schedules"] if "byday" in s} == {"09:00"}
    assert all("location_id" not in s for s in detail["schedules"])
    centre, branch, secret = detail["service_at_locations"]
    assert "schedules" not in centre and "schedules" not in secret
    assert {(s["byday"], s["opens_at"]) for s in branch["schedules"]} >= {("SA", "10:00")}
    for row in branch["schedules"]:
        assert row["service_at_location_id"] == branch["id"]
        assert row["location_id"] == branch["location_id"]
        assert_valid(row, "schedule.json")
    at_branch = api(client, f"service_at_locations/{branch['id']}")
    assert_valid(at_branch, "service_at_location.json")
    weekly = {s["opens_at"] for s in at_branch["schedules"] if "byday" in s}
    assert weekly == {"12:00", "10:00"}
    if (SHARED_DIR / "compiled" / "service.json").exists():
        assert_valid(detail, "compiled/service.json", SHARED_DIR)
        assert_valid(at_branch, "compiled/service_at_location.json", SHARED_DIR)
    at_centre = api(client, f"service_at_locations/{centre['id']}")
    assert {s["opens_at"] for s in at_centre["schedules"] if "byday" in s} == {"09:00"}


def test_hsds_never_publishes_a_confidential_places_own_hours(client, service):
    secret_link = api(client, f"services/{service.hsds_id}")["service_at_locations"][2]
    at_secret = api(client, f"service_at_locations/{secret_link['id']}")
    assert not [s for s in at_secret["schedules"] if "byday" in s]  # neither its own nor false
    bodies = [
        client.get(API + f"services/{service.hsds_id}").content.decode(),
        client.get(API + "services", {"full": "true"}).content.decode(),
        client.get(API + "service_at_locations", {"full": "true"}).content.decode(),
        json.dumps(at_secret),
    ]
    for body in bodies:
        assert SECRET_TIME not in body and "Тайная" not in body


def test_export_and_import_into_an_empty_registry_keep_the_places_hours(tmp_path, service):
    path = tmp_path / "registry.zip"
    call_command("export_hsds", "--output", str(path), stdout=io.StringIO())
    Service.objects.all().delete()
    Organization.objects.all().delete()
    result = engine.plan(read_path(path))
    assert result.ok, result.errors
    engine.apply(result)
    imported = Service.objects.get(name="Служба медиации (демо)")
    by_place = {
        (row.location.name if row.location else "", row.weekday, f"{row.opens_at:%H:%M}")
        for row in imported.schedules.select_related("location")
    }
    assert ("Филиал (демо)", 5, "10:00") in by_place
    assert ("", 0, "09:00") in by_place
    assert not [row for row in by_place if row[0] == "Центр (демо)"]
    assert SECRET_TIME not in {row[2] for row in by_place}  # never exported


def test_import_reads_hours_nested_in_a_service_at_location(client, service):
    body = client.get(API + f"services/{service.hsds_id}").content
    Service.objects.all().delete()
    result = engine.plan(read_json_bytes(body, "service.json"))
    assert result.ok, result.errors
    engine.apply(result)
    imported = Service.objects.get(name="Служба медиации (демо)")
    branch = imported.locations.get(name="Филиал (демо)")
    assert sorted(branch.schedules.values_list("weekday", flat=True)) == [0, 1, 2, 3, 4, 5]
    assert imported.schedules.filter(location=None).count() == 5


def test_reimport_over_an_existing_service_keeps_the_new_places_hours(client, service):
    body = client.get(API + f"services/{service.hsds_id}").content
    service.external_id = api(client, f"services/{service.hsds_id}")["id"]
    Service.objects.filter(pk=service.pk).update(external_id=service.external_id)
    result = engine.plan(read_json_bytes(body, "service.json"))
    assert result.ok, result.errors
    engine.apply(result)
    updated = Service.objects.get(pk=service.pk)
    branch = updated.locations.get(name="Филиал (демо)")
    assert branch.schedules.count() == 6
    assert updated.schedules.filter(location=None).count() == 5


# --- admin and demo ------------------------------------------------------------------------------


def test_editors_pick_the_place_among_the_services_own(admin_client, service):
    other = LocationFactory(name="Чужое место (демо)")
    page = admin_client.get(f"/admin/snippets/registry/service/edit/{service.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Филиал (демо)" in html and "Чужое место" not in html
    assert "Пусто — общие часы службы" in html
    assert other.pk


def edit_form(admin_client, service) -> tuple[str, dict]:
    edit_url = f"/admin/snippets/registry/service/edit/{service.pk}/"
    html = admin_client.get(edit_url).content.decode()
    data = querydict_from_html(html, form_id="w-editor-form")
    data["action-publish"] = "action-publish"
    data["is_free"] = "on"  # the parser sends checked checkboxes without a value
    return edit_url, data


def test_editors_move_an_hours_row_to_a_place(admin_client, service):
    centre = places(service)[0]
    edit_url, data = edit_form(admin_client, service)
    monday = next(
        key[: -len("-weekday")]
        for key, value in data.items()
        if key.startswith("schedules-")
        and key.endswith("-weekday")
        and value == "0"
        and not data[key.replace("-weekday", "-location")]
    )
    data[f"{monday}-location"] = str(centre.pk)
    response = admin_client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Schedule.objects.filter(location=centre, weekday=0).count() == 1


def test_a_place_cannot_be_removed_while_hours_name_it(admin_client, service):
    edit_url, data = edit_form(admin_client, service)
    branch = places(service)[1]
    form = next(
        key[: -len("-id")]
        for key, value in data.items()
        if key.startswith("locations-") and key.endswith("-id") and value == str(branch.pk)
    )
    data[f"{form}-DELETE"] = "1"
    response = admin_client.post(edit_url, data)
    assert response.status_code == 200
    assert "Удаляемое место указано в часах работы" in response.content.decode()
    assert Location.objects.filter(pk=branch.pk).exists()


def test_the_demo_has_a_service_with_hours_per_place(demo_site):
    mediation = Service.objects.get(
        external_id="demo:mediation-vologda", locale__language_code="ru"
    )
    morning = mediation.locations.get(name="Утренний приём (демо)")
    assert sorted(morning.schedules.values_list("weekday", flat=True)) == [0, 2, 4]
    english = Service.objects.get(external_id="demo:mediation-vologda", locale__language_code="en")
    english_place = english.locations.get(address__contains="33")
    assert english_place.schedules.count() == 3  # the translation keeps them on its own copy


# --- drafts: a place added in a draft keeps its own hours until published ----------------------


def test_a_draft_keeps_the_hours_of_a_place_it_adds_until_published(service):
    """An import without the publish permission writes such a draft: the new place is no
    row yet when the revision is written, and the hours must still name it on publishing."""
    live = Service.objects.get(pk=service.pk)
    new_place = Location(service=live, name="Новый филиал (демо)", address="ул. Новая, д. 3")
    new_place.locale = live.locale
    live.locations = [*live.locations.all(), new_place]
    row = Schedule(weekday=3, opens_at=dt.time(15), closes_at=dt.time(19), location=new_place)
    live.schedules = [*live.schedules.all(), row]
    revision = live.save_revision()
    assert not Location.objects.filter(name="Новый филиал (демо)").exists()  # a draft only

    draft = revision.as_object()
    added = [s for s in draft.schedules.all() if s.opens_at == dt.time(15)]
    assert [s.location.name for s in added if s.location] == ["Новый филиал (демо)"]
    revision.publish()
    place = Location.objects.get(service=service, name="Новый филиал (демо)")
    assert [(s.weekday, s.opens_at) for s in place.schedules.all()] == [(3, dt.time(15))]
    assert not Schedule.objects.filter(service=service, opens_at=dt.time(15)).exclude(
        location=place
    )


def test_an_import_as_a_draft_keeps_a_new_places_hours_until_published(
    client, service, django_user_model
):
    """Who may change but not publish imports drafts: the file's new place keeps its hours
    in the draft, and on publishing."""
    body = client.get(API + f"services/{service.hsds_id}").content
    external_id = api(client, f"services/{service.hsds_id}")["id"]
    Service.objects.filter(pk=service.pk).update(external_id=external_id)
    Location.objects.filter(service=service, name="Филиал (демо)").delete()  # new again
    drafter = django_user_model.objects.create_user("chernovik", password="x")
    drafter.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_service", "change_service"])
    )
    result = engine.plan(read_json_bytes(body, "service.json"))
    assert result.ok, result.errors
    engine.apply(result, user=drafter)
    assert not Location.objects.filter(service=service, name="Филиал (демо)").exists()

    Service.objects.get(pk=service.pk).latest_revision.publish()
    branch = Location.objects.get(service=service, name="Филиал (демо)")
    assert sorted(branch.schedules.values_list("weekday", flat=True)) == [0, 1, 2, 3, 4, 5]
