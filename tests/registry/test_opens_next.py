"""«Сейчас закрыто» says when the service opens again (issue 12, smaller findings)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from safechildhood.registry import hours

from .factories import ScheduleExceptionFactory, ServiceFactory, weekday_hours

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
MONDAY = dt.date(2026, 3, 2)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=MSK)


@pytest.fixture
def office():
    service = ServiceFactory()
    weekday_hours(service)  # Monday–Friday 9:00–18:00
    return service


def test_before_opening_it_opens_today(office):
    when = hours.next_opening(office, at(MONDAY, 7))
    assert when == at(MONDAY, 9)
    with translation.override("ru"):
        assert hours.opening_phrase(when, at(MONDAY, 7)) == "Откроется сегодня в 9:00"


def test_after_closing_it_opens_tomorrow(office):
    when = hours.next_opening(office, at(MONDAY, 19))
    assert when == at(MONDAY + dt.timedelta(days=1), 9)
    with translation.override("ru"):
        assert hours.opening_phrase(when, at(MONDAY, 19)) == "Откроется завтра в 9:00"
    with translation.override("en"):
        assert hours.opening_phrase(when, at(MONDAY, 19)) == "Opens tomorrow at 9:00"


def test_on_friday_evening_it_names_monday(office):
    friday = MONDAY + dt.timedelta(days=4)
    when = hours.next_opening(office, at(friday, 20))
    assert when == at(MONDAY + dt.timedelta(days=7), 9)
    with translation.override("ru"):
        assert hours.opening_phrase(when, at(friday, 20)) == "Откроется в понедельник в 9:00"


def test_a_holiday_is_skipped_and_a_far_date_is_named(office):
    ScheduleExceptionFactory(
        service=office, start_date=MONDAY, end_date=MONDAY + dt.timedelta(days=11)
    )
    when = hours.next_opening(office, at(MONDAY, 7))
    assert when == at(MONDAY + dt.timedelta(days=14), 9)  # the Monday after the break
    with translation.override("ru"):
        assert hours.opening_phrase(when, at(MONDAY, 7)) == "Откроется 16 марта в 9:00"


def test_special_hours_on_a_day_count(office):
    ScheduleExceptionFactory(
        service=office,
        start_date=MONDAY,
        end_date=None,
        is_closed=False,
        opens_at=dt.time(11),
        closes_at=dt.time(14),
    )
    assert hours.next_opening(office, at(MONDAY, 7)) == at(MONDAY, 11)


def test_nothing_is_promised_without_hours_or_for_a_paused_service(office):
    assert hours.next_opening(ServiceFactory(), at(MONDAY, 7)) is None
    office.status = office.Status.TEMPORARILY_CLOSED
    assert hours.next_opening(office, at(MONDAY, 7)) is None


def test_the_card_and_the_page_say_when_it_opens(client, office, settings, monkeypatch):
    settings.TIME_ZONE = "Europe/Moscow"
    monkeypatch.setattr(timezone, "now", lambda: at(MONDAY, 20))
    page = client.get(f"/services/{office.slug}/").content.decode()
    assert "Сейчас закрыто" in page and "Откроется завтра в 9:00" in page
    listing = client.get("/services/").content.decode()
    assert "Откроется завтра в 9:00" in listing
