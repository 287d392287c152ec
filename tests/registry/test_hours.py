"""registry.hours: the one implementation of opening hours, called on its own."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from safechildhood.registry import hours
from safechildhood.registry.models import Service

from .factories import ScheduleExceptionFactory, ScheduleFactory, ServiceFactory, weekday_hours

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")


def open_in_sql(service: Service, moment: dt.datetime) -> bool:
    return Service.objects.filter(hours.open_condition(moment), pk=service.pk).exists()


def test_local_takes_naive_times_as_the_regions_and_converts_aware_ones(settings):
    settings.TIME_ZONE = "Europe/Moscow"
    naive = dt.datetime(2026, 3, 2, 9, 0)
    assert hours.local(naive) == dt.datetime(2026, 3, 2, 9, 0, tzinfo=MSK)
    utc = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
    assert hours.local(utc).hour == 9 and hours.local(utc).tzinfo == MSK
    assert hours.site_timezone() == MSK


def test_night_shift_runs_past_midnight_in_python_and_sql():
    service = ServiceFactory()
    ScheduleFactory(service=service, weekday=4, opens_at=dt.time(22), closes_at=dt.time(2))
    saturday_1am = dt.datetime(2026, 3, 7, 1, 0, tzinfo=MSK)
    saturday_3am = dt.datetime(2026, 3, 7, 3, 0, tzinfo=MSK)
    for moment, expected in ((saturday_1am, True), (saturday_3am, False)):
        assert hours.is_open_at(service, moment) is expected
        assert open_in_sql(service, moment) is expected


def test_a_closed_day_closes_the_spill_of_last_nights_shift():
    service = ServiceFactory()
    ScheduleFactory(service=service, weekday=4, opens_at=dt.time(22), closes_at=dt.time(2))
    ScheduleExceptionFactory(service=service, start_date=dt.date(2026, 3, 7), end_date=None)
    saturday_1am = dt.datetime(2026, 3, 7, 1, 0, tzinfo=MSK)
    assert hours.is_open_at(service, saturday_1am) is False
    assert open_in_sql(service, saturday_1am) is False


def test_not_active_is_closed_and_24_7_is_open():
    closed = ServiceFactory(status=Service.Status.TEMPORARILY_CLOSED, is_24_7=True)
    always = ServiceFactory(is_24_7=True)
    moment = dt.datetime(2026, 3, 8, 4, 0, tzinfo=MSK)
    assert (hours.is_open_at(closed, moment), hours.is_open_at(always, moment)) == (False, True)
    assert (open_in_sql(closed, moment), open_in_sql(always, moment)) == (False, True)


def test_week_hours_apply_todays_exception_to_todays_row_only():
    service = ServiceFactory()
    weekday_hours(service)  # Mon–Fri 9–18
    friday = dt.date(2026, 3, 6)
    ScheduleExceptionFactory(
        service=service, start_date=friday, end_date=None, description="Санитарный день"
    )
    week = hours.week_hours(service, today=friday)
    assert [day.weekday for day in week] == list(range(7))
    assert week[4].is_today and week[4].closed
    assert week[4].note == "Санитарный день: не работает"
    assert week[3].periods == [(dt.time(9), dt.time(18))] and not week[3].note
    assert week[6].closed and not week[6].is_today
    assert hours.periods_on(service, friday) == []
    assert hours.periods_on(service, dt.date(2026, 3, 5)) == [(dt.time(9), dt.time(18))]


def test_upcoming_exceptions_are_those_within_the_horizon_in_date_order():
    service = ServiceFactory()
    today = dt.date(2026, 12, 1)
    later = ScheduleExceptionFactory(service=service, start_date=dt.date(2027, 1, 1))
    sooner = ScheduleExceptionFactory(
        service=service, start_date=dt.date(2026, 12, 20), end_date=None
    )
    ScheduleExceptionFactory(service=service, start_date=dt.date(2026, 11, 1), end_date=None)
    ScheduleExceptionFactory(service=service, start_date=dt.date(2027, 3, 1), end_date=None)
    assert hours.upcoming_exceptions(service, today) == [sooner, later]
