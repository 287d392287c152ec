"""Opening hours: the one place that says when a service is open.

The rules, everywhere (service page, cards, "open now" filter, JSON-LD, API):

- time is the region's (``settings.TIME_ZONE``), whatever the visitor's;
- a 24/7 service is open while active; a service that is not active is closed;
- a dated exception replaces the weekly hours for its days: a closed day is closed
  from 00:00 to 24:00, even for a night shift that began the evening before;
- a period whose closing time is not after its opening time runs past midnight
  (22:00–02:00 on Friday ends at 02:00 on Saturday); equal times mean the whole day.

``is_open_at`` applies them to prefetched rows (cards, the service page);
``open_condition`` applies the same rules in SQL, so that "open now" can filter a
paginated list. A test holds the two to the same answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from .models.schedules import Schedule, ScheduleException, Weekday

if TYPE_CHECKING:  # the service model imports this module
    from .models.services import Service

Period = tuple[dt.time, dt.time]
UPCOMING_EXCEPTION_DAYS = 60


def site_timezone() -> ZoneInfo:
    """The region's time zone: "open now" is always judged in it, whatever the visitor's."""
    return ZoneInfo(settings.TIME_ZONE)


def local(moment: dt.datetime | None) -> dt.datetime:
    """An aware datetime in the site's time zone (naive input is taken as site time)."""
    tz = site_timezone()
    if moment is None:
        return timezone.now().astimezone(tz)
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


# --- One service, from prefetched rows ----------------------------------------------------


def periods_of_day(
    service: Service, day: dt.date, exceptions: list[ScheduleException]
) -> tuple[list[Period], bool]:
    """(periods, closed) for one calendar day: an exception replaces the weekly hours."""
    covering = [e for e in exceptions if e.covers(day)]
    if covering:
        if any(e.is_closed for e in covering):
            return [], True
        return [(e.opens_at, e.closes_at) for e in covering], False
    periods = [
        (s.opens_at, s.closes_at) for s in service.schedules.all() if s.weekday == day.weekday()
    ]
    return periods, False


def periods_on(service: Service, day: dt.date) -> list[Period]:
    """Opening periods that start on `day` (exceptions applied), for display."""
    periods, _closed = periods_of_day(service, day, list(service.schedule_exceptions.all()))
    return sorted(periods)


def is_open_at(service: Service, moment: dt.datetime | None = None) -> bool:
    """Open at `moment` (default now), by the rules in the module docstring."""
    if service.status != service.Status.ACTIVE:
        return False
    if service.is_24_7:
        return True
    now_local = local(moment)
    today, now = now_local.date(), now_local.time().replace(tzinfo=None)
    exceptions = list(service.schedule_exceptions.all())
    periods, closed = periods_of_day(service, today, exceptions)
    if closed:
        return False
    for opens, closes in periods:
        if opens <= now and (now < closes or closes <= opens):
            return True
    yesterday_periods, _ = periods_of_day(service, today - dt.timedelta(days=1), exceptions)
    return any(closes <= opens and now < closes for opens, closes in yesterday_periods)


NEXT_OPENING_DAYS = 31

# «в понедельник», «во вторник»…: the weekday after a preposition (Monday = 0).
ON_WEEKDAY = (
    pgettext_lazy("opens on", "в понедельник"),
    pgettext_lazy("opens on", "во вторник"),
    pgettext_lazy("opens on", "в среду"),
    pgettext_lazy("opens on", "в четверг"),
    pgettext_lazy("opens on", "в пятницу"),
    pgettext_lazy("opens on", "в субботу"),
    pgettext_lazy("opens on", "в воскресенье"),
)


def next_opening(service: Service, moment: dt.datetime | None = None) -> dt.datetime | None:
    """When a closed service next opens (holidays and special days applied), so that
    «Сейчас закрыто» can say «откроется завтра в 9:00»; None when nothing is scheduled
    within a month, the service is paused, or it never closes."""
    if service.status != service.Status.ACTIVE or service.is_24_7:
        return None
    now_local = local(moment)
    exceptions = list(service.schedule_exceptions.all())
    for offset in range(NEXT_OPENING_DAYS + 1):
        day = now_local.date() + dt.timedelta(days=offset)
        periods, _closed = periods_of_day(service, day, exceptions)
        tz = now_local.tzinfo
        starts = sorted(dt.datetime.combine(day, opens, tzinfo=tz) for opens, _c in periods)
        later = [start for start in starts if start > now_local]
        if later:
            return later[0]
    return None


def opening_phrase(when: dt.datetime | None, moment: dt.datetime | None = None) -> str:
    """«Откроется сегодня в 9:00», «завтра», «в понедельник» (within a week) or «16 марта»."""
    if when is None:
        return ""
    when, today = local(when), local(moment).date()
    time = f"{when.hour}:{when.minute:02d}"
    days = (when.date() - today).days
    if days == 0:
        return _("Откроется сегодня в %(time)s") % {"time": time}
    if days == 1:
        return _("Откроется завтра в %(time)s") % {"time": time}
    if days < 7:
        return _("Откроется %(day)s в %(time)s") % {"day": ON_WEEKDAY[when.weekday()], "time": time}
    date = formats.date_format(when.date(), "j E")
    return _("Откроется %(date)s в %(time)s") % {"date": date, "time": time}


def opening_note(service: Service, moment: dt.datetime | None = None) -> str:
    """The phrase beside «Сейчас закрыто»; empty when no opening is scheduled."""
    return opening_phrase(next_opening(service, moment), moment)


# --- Many services, in SQL -------------------------------------------------------------------


def _service_ids(rows: models.QuerySet) -> models.QuerySet:
    return rows.order_by().values("service_id")


def _exceptions_on(day: dt.date) -> models.QuerySet:
    return ScheduleException.objects.filter(start_date__lte=day).filter(
        Q(end_date__gte=day) | Q(end_date__isnull=True, start_date=day)
    )


def open_condition(moment: dt.datetime | None = None) -> Q:
    """A filter on services: open at `moment`, the same rules as ``is_open_at``.

    Each condition is the set of services it holds for, as an uncorrelated
    ``id IN (…)`` that PostgreSQL computes once: correlated EXISTS probes cost
    over a second for "open now" across 10,000 services.
    """
    now_local = local(moment)
    today, now = now_local.date(), now_local.time().replace(tzinfo=None)
    yesterday = today - dt.timedelta(days=1)

    overnight = Q(closes_at__lte=F("opens_at"))
    covers_now = Q(opens_at__lte=now) & (Q(closes_at__gt=now) | overnight)
    spills_into_now = overnight & Q(closes_at__gt=now)

    def ids(rows: models.QuerySet) -> Q:
        return Q(pk__in=_service_ids(rows))

    closed_today = ids(_exceptions_on(today).filter(is_closed=True))
    exception_today = ids(_exceptions_on(today))
    exception_yesterday = ids(_exceptions_on(yesterday))
    weekly_now = ids(Schedule.objects.filter(weekday=today.weekday()).filter(covers_now))
    weekly_spill = ids(Schedule.objects.filter(weekday=yesterday.weekday()).filter(spills_into_now))
    special_now = ids(_exceptions_on(today).filter(is_closed=False).filter(covers_now))
    special_spill = ids(_exceptions_on(yesterday).filter(is_closed=False).filter(spills_into_now))
    return Q(status="active") & (
        Q(is_24_7=True)
        | (
            ~closed_today
            & (
                (~exception_today & weekly_now)
                | special_now
                | (~exception_yesterday & weekly_spill)
                | special_spill
            )
        )
    )


# --- What the service page shows -----------------------------------------------------------


@dataclass
class DayHours:
    """One row of the opening hours table."""

    weekday: int
    name: str
    periods: list[Period]
    is_today: bool = False
    note: str = ""  # today's exception, e.g. «Новогодние праздники: не работает»

    @property
    def closed(self) -> bool:
        return not self.periods


def _note(exception: ScheduleException) -> str:
    what = _("не работает") if exception.is_closed else _("особые часы работы")
    return f"{exception.description}: {what}" if exception.description else what.capitalize()


def week_hours(service: Service, today: dt.date | None = None) -> list[DayHours]:
    """Monday to Sunday from the weekly schedule; today's row with today's exceptions applied."""
    today = today or timezone.localdate()
    schedules = list(service.schedules.all())
    exceptions = [e for e in service.schedule_exceptions.all() if e.covers(today)]
    rows = []
    for day in Weekday:
        periods = sorted((s.opens_at, s.closes_at) for s in schedules if s.weekday == day.value)
        row = DayHours(day.value, str(day.label), periods, is_today=day.value == today.weekday())
        if row.is_today and exceptions:
            row.periods = periods_on(service, today)
            row.note = "; ".join(_note(e) for e in exceptions)
        rows.append(row)
    return rows


def upcoming_exceptions(service: Service, today: dt.date | None = None) -> list[ScheduleException]:
    """Holidays and special days from today to ``UPCOMING_EXCEPTION_DAYS`` ahead."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=UPCOMING_EXCEPTION_DAYS)
    return sorted(
        (
            e
            for e in service.schedule_exceptions.all()
            if e.last_date >= today and e.start_date <= horizon
        ),
        key=lambda e: e.start_date,
    )
