"""The region's official calendar: holidays close, working Saturdays open, everywhere."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone, translation

from safechildhood.core import demo as core_demo
from safechildhood.registry import clock as page_clock
from safechildhood.registry import demo, hours, jsonld
from safechildhood.registry.models import CalendarDay, Service

from .factories import ScheduleExceptionFactory, ScheduleFactory, ServiceFactory, weekday_hours

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
HOLIDAY = dt.date(2026, 11, 4)  # a Wednesday: День народного единства
WORKING_SATURDAY = dt.date(2026, 11, 14)  # made up for the tests: worked as a Friday


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=MSK)


class Clock:
    """`django.utils.timezone.now` frozen at a moment the test sets."""

    def __init__(self, monkeypatch) -> None:
        self.now = at(HOLIDAY, 12)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, moment: dt.datetime) -> None:
        self.now = moment


@pytest.fixture
def clock(monkeypatch, settings) -> Clock:
    settings.TIME_ZONE = "Europe/Moscow"
    return Clock(monkeypatch)


@pytest.fixture
def calendar():
    CalendarDay.objects.create(
        date=HOLIDAY, kind=CalendarDay.Kind.HOLIDAY, name="День народного единства"
    )
    CalendarDay.objects.create(
        date=WORKING_SATURDAY, kind=CalendarDay.Kind.WORKING, works_as_weekday=4
    )


@pytest.fixture
def office():
    """Monday to Thursday 9–18, Friday 9–16, closed at the weekend."""
    service = ServiceFactory(name="Служба медиации")
    weekday_hours(service, days=range(4))
    ScheduleFactory(service=service, weekday=4, opens_at=dt.time(9), closes_at=dt.time(16))
    return service


def open_in_sql(moment: dt.datetime) -> set[int]:
    return set(Service.objects.filter(hours.open_condition(moment)).values_list("pk", flat=True))


def open_now(service: Service) -> tuple[bool, bool]:
    """(Python, SQL) answers at the frozen now, the service reloaded as a visitor's would be."""
    service = Service.objects.prefetch_related("schedules", "schedule_exceptions").get(
        pk=service.pk
    )
    return service.is_open_now(), Service.objects.open_now().filter(pk=service.pk).exists()


def test_open_now_across_a_holiday_and_a_working_saturday(clock, calendar, office):
    clock.set(at(HOLIDAY - dt.timedelta(days=1), 12))  # an ordinary Tuesday
    assert open_now(office) == (True, True)
    clock.set(at(HOLIDAY, 12))
    assert open_now(office) == (False, False)
    assert hours.opening_note(office) == "Откроется завтра в 9:00"
    clock.set(at(HOLIDAY + dt.timedelta(days=1), 12))
    assert open_now(office) == (True, True)
    clock.set(at(WORKING_SATURDAY, 15))  # Friday's hours: 9–16
    assert open_now(office) == (True, True)
    clock.set(at(WORKING_SATURDAY, 17))
    assert open_now(office) == (False, False)
    clock.set(at(WORKING_SATURDAY - dt.timedelta(days=1), 20))  # Friday evening
    assert hours.opening_note(office) == "Откроется завтра в 9:00"
    clock.set(at(WORKING_SATURDAY + dt.timedelta(days=1), 12))  # Sunday, as ever
    assert open_now(office) == (False, False)


def test_a_working_day_without_a_weekday_keeps_mondays_hours(calendar, office):
    CalendarDay.objects.filter(date=WORKING_SATURDAY).update(works_as_weekday=None)
    hours.CALENDAR.forget()
    assert hours.is_open_at(office, at(WORKING_SATURDAY, 17)) is True  # Monday: 9–18
    assert open_in_sql(at(WORKING_SATURDAY, 17)) == {office.pk}


def test_python_and_sql_agree_around_holidays_and_working_days(calendar, office):
    night = ServiceFactory(name="Ночная линия")  # Tuesday and Wednesday nights, 22–02
    for weekday in (1, 2):
        ScheduleFactory(service=night, weekday=weekday, opens_at=dt.time(22), closes_at=dt.time(2))
    ScheduleFactory(service=night, weekday=4, opens_at=dt.time(20), closes_at=dt.time(23))
    own = ServiceFactory(name="Своё расписание")
    weekday_hours(own)
    ScheduleExceptionFactory(
        service=own,
        start_date=HOLIDAY,
        end_date=None,
        is_closed=False,
        opens_at=dt.time(10),
        closes_at=dt.time(14),
    )
    ScheduleExceptionFactory(service=own, start_date=WORKING_SATURDAY, end_date=None)
    always = ServiceFactory(name="Телефон доверия", is_24_7=True)
    services = [
        Service.objects.prefetch_related("schedules", "schedule_exceptions").get(pk=s.pk)
        for s in (office, night, own, always)
    ]
    checked = 0
    for offset in range(-2, 13):
        day = HOLIDAY + dt.timedelta(days=offset)
        for hour, minute in ((0, 30), (1, 30), (9, 0), (10, 30), (13, 59), (15, 0), (16, 0),
                             (17, 0), (20, 30), (22, 0), (23, 30)):  # fmt: skip
            moment = at(day, hour, minute)
            in_python = {s.pk for s in services if hours.is_open_at(s, moment)}
            assert in_python == open_in_sql(moment), moment
            checked += 1
    assert checked == 15 * 11
    # The night before the holiday ends at midnight; the holiday's own night is not worked.
    assert not hours.is_open_at(services[1], at(HOLIDAY, 1))
    assert not hours.is_open_at(services[1], at(HOLIDAY, 23))
    assert hours.is_open_at(services[1], at(HOLIDAY - dt.timedelta(days=1), 23))


def test_the_services_own_exception_wins_over_the_calendar(clock, calendar, office):
    ScheduleExceptionFactory(
        service=office,
        start_date=HOLIDAY,
        end_date=None,
        is_closed=False,
        opens_at=dt.time(10),
        closes_at=dt.time(14),
        description="Дежурный день",
    )
    ScheduleExceptionFactory(
        service=office, start_date=WORKING_SATURDAY, end_date=None, description="Выезд"
    )
    clock.set(at(HOLIDAY, 12))
    assert open_now(office) == (True, True)
    week = hours.week_hours(office)
    assert week[2].note == "Дежурный день: особые часы работы"
    clock.set(at(WORKING_SATURDAY, 12))
    assert open_now(office) == (False, False)
    upcoming = hours.upcoming_exceptions(office, today=HOLIDAY - dt.timedelta(days=1))
    assert [e.description for e in upcoming] == ["Дежурный день", "Выезд"]


def test_a_round_the_clock_service_is_not_closed_by_holidays(clock, calendar):
    always = ServiceFactory(is_24_7=True)
    clock.set(at(HOLIDAY, 3))
    assert open_now(always) == (True, True)
    assert hours.upcoming_exceptions(always, today=HOLIDAY) == []
    assert hours.next_opening(always) is None


def test_the_page_says_it_is_a_holiday(client, clock, calendar, office):
    clock.set(at(HOLIDAY, 12))
    page = client.get(f"/services/{office.slug}/").content.decode()
    assert "4 ноября — праздничный день (День народного единства): не работает" in page
    assert "Сейчас закрыто" in page
    clock.set(at(HOLIDAY - dt.timedelta(days=2), 12))
    page = client.get(f"/services/{office.slug}/").content.decode()
    assert "4 ноября — праздничный день: не работает (День народного единства)" in page
    assert "14 ноября — рабочий день по переносу: 09:00–16:00" in page


def test_the_note_names_the_holiday_in_english_on_the_english_site(calendar):
    day = CalendarDay.objects.get(date=HOLIDAY)
    day.name_en = "National Unity Day"
    day.save()
    with translation.override("en"):
        note = hours.calendar_note(day)
    assert note == "4 November — public holiday (National Unity Day): closed"


def test_json_ld_and_the_hsds_api_show_the_holiday(client, clock, calendar, office):
    clock.set(at(HOLIDAY - dt.timedelta(days=2), 12))
    specs = jsonld.opening_hours(office)
    closed = [s for s in specs if s.get("validFrom") == HOLIDAY.isoformat()]
    assert closed and closed[0]["opens"] == closed[0]["closes"] == "00:00"
    assert "День народного единства" in closed[0]["description"]
    working = [s for s in specs if s.get("validFrom") == WORKING_SATURDAY.isoformat()]
    assert [(s["opens"], s["closes"]) for s in working] == [("09:00", "16:00")]
    data = client.get(f"/api/hsds/services/{office.hsds_id}").json()
    dated = {row["valid_from"]: row for row in data["schedules"] if row.get("valid_from")}
    assert dated[HOLIDAY.isoformat()]["notes"] == "Не работает"
    assert dated[WORKING_SATURDAY.isoformat()]["opens_at"] == "09:00"
    assert len({row["id"] for row in data["schedules"]}) == len(data["schedules"])


def test_the_page_cache_keeps_a_page_no_later_than_the_working_days_closing(
    clock, calendar, office
):
    # A working Saturday keeps Friday's hours, whose times are boundaries already; a
    # holiday begins and ends at midnight, which always is one.
    assert page_clock.next_change(at(WORKING_SATURDAY, 15)) == at(WORKING_SATURDAY, 16).timestamp()
    evening = page_clock.next_change(at(HOLIDAY, 19))
    assert evening == at(HOLIDAY + dt.timedelta(days=1), 0).timestamp()


def test_editing_a_day_changes_the_answer_at_once(calendar, office):
    assert hours.is_open_at(office, at(HOLIDAY, 12)) is False
    day = CalendarDay.objects.get(date=HOLIDAY)
    day.delete()
    assert hours.is_open_at(office, at(HOLIDAY, 12)) is True


# --- The admin -------------------------------------------------------------------------


def calendar_url(name: str, *args) -> str:
    return reverse(CalendarDay.snippet_viewset.get_url_name(name), args=args)


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("redaktor", password="x")
    user.groups.add(Group.objects.get(name="Редакторы реестра"))
    return user


def test_registry_editors_keep_the_calendar(client, editor):
    client.force_login(editor)
    assert client.get(calendar_url("list")).status_code == 200
    response = client.post(
        calendar_url("add"),
        {
            "date": "2027-11-13",
            "kind": "working",
            "name": "Перенос",
            "name_en": "",
            "works_as_weekday": "4",
            "source": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    day = CalendarDay.objects.get(date=dt.date(2027, 11, 13))
    assert day.hours_weekday == 4
    found = client.get(calendar_url("list"), {"q": "Перенос"})
    assert found.status_code == 200 and "13.11.2027" in found.content.decode()
    response = client.post(
        calendar_url("edit", day.pk),
        {"date": "2027-11-13", "kind": "day_off", "name": "", "works_as_weekday": "4"},
    )
    assert response.status_code == 200  # a weekday only for a working day: the form says so
    assert "День недели указывают только для рабочего дня" in response.content.decode()


def test_others_cannot_touch_the_calendar(client, django_user_model, calendar):
    someone = django_user_model.objects.create_user("someone", password="x")
    someone.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(someone)
    day = CalendarDay.objects.get(date=HOLIDAY)
    assert client.get(calendar_url("list")).status_code in (302, 403)
    client.post(calendar_url("delete", day.pk))
    assert CalendarDay.objects.filter(pk=day.pk).exists()
    assert not someone.has_perm("registry.change_calendarday")


# --- The demo ---------------------------------------------------------------------------


def test_the_demo_seeds_the_2026_calendar_and_2027s_holidays():
    assert demo.official_calendar() == 32
    days = {day.date: day for day in CalendarDay.objects.all()}
    for date in (dt.date(2026, 1, 9), dt.date(2026, 3, 9), dt.date(2026, 5, 11)):
        assert days[date].kind == CalendarDay.Kind.DAY_OFF, date
    assert days[dt.date(2026, 12, 31)].kind == CalendarDay.Kind.DAY_OFF
    assert all(days[dt.date(2026, 1, d)].kind == CalendarDay.Kind.HOLIDAY for d in range(1, 9))
    assert days[dt.date(2026, 5, 9)].name == "День Победы"
    assert days[dt.date(2027, 1, 7)].name == "Рождество Христово"
    assert all(day.is_demo for day in days.values())
    data = json.loads((demo.DATA / "calendar.json").read_text(encoding="utf-8"))
    assert "2027" in data["about"] and "NOT here" in data["about"]


def test_loading_the_demo_again_keeps_an_edited_day():
    demo.official_calendar()
    day = CalendarDay.objects.get(date=dt.date(2026, 12, 31))
    day.kind, day.name = CalendarDay.Kind.WORKING, "Изменено редактором"
    day.save()
    CalendarDay.objects.filter(date=dt.date(2026, 1, 9)).delete()
    with core_demo.loading():
        assert demo.official_calendar() == 1  # the deleted day comes back, nothing else
    day.refresh_from_db()
    assert (day.kind, day.name) == (CalendarDay.Kind.WORKING, "Изменено редактором")
    with core_demo.loading(reset=True):
        demo.official_calendar()
    day.refresh_from_db()
    assert day.kind == CalendarDay.Kind.DAY_OFF


def test_demo_services_no_longer_carry_the_new_year_holidays():
    raw = (demo.DATA / "registry.hsds.json").read_text(encoding="utf-8")
    assert "Новогодние праздники" not in json.dumps(json.loads(raw)["schedules"])
