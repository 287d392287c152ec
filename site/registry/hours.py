"""Opening hours: the one place that says when a service is open.

The rules, everywhere (service page, cards, "open now" filter, JSON-LD, API):

- time is the region's (``settings.TIME_ZONE``), whatever the visitor's;
- a 24/7 service is open while active; a service that is not active is closed;
- a dated exception replaces the weekly hours for its days: a closed day is closed
  from 00:00 to 24:00, even for a night shift that began the evening before;
- the region's official calendar (``CalendarDay``) applies where the service has no
  exception of its own that day: a non-working holiday or a transferred day off is a
  closed day; on a transferred working day (a Saturday that is worked) the service keeps
  the hours of the weekday named there (``works_as_weekday``, Monday when not named);
- a period whose closing time is not after its opening time runs past midnight
  (22:00–02:00 on Friday ends at 02:00 on Saturday); equal times mean the whole day;
- a place with weekly hours of its own (``Schedule.location``) keeps only those, the
  service's other places its general hours (rows without a place); exceptions and the
  calendar apply to every place. The service as a whole is open when its general hours
  or the own hours of one of its public places are: a confidential place's own hours
  are never published, so they count nowhere on the site or in the API.

``is_open_at`` applies them to prefetched rows (cards, the service page);
``open_condition`` applies the same rules in SQL, so that "open now" can filter a
paginated list. A test holds the two to the same answers.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from safechildhood.core.versioned_cache import VersionedCache

from .models.calendar import CalendarDay
from .models.common import HSDS_NAMESPACE
from .models.schedules import Schedule, ScheduleException, Weekday

if TYPE_CHECKING:  # the service model imports this module
    from .models.locations import Location
    from .models.services import Service

Period = tuple[dt.time, dt.time]
Calendar = dict[dt.date, CalendarDay]
UPCOMING_EXCEPTION_DAYS = 60

# The whole official calendar (a score of rows a year), read once and kept until a day
# is edited (``CALENDAR.changed``, connected in ``apps.py``): no query per card or page.
CALENDAR = VersionedCache("registry:calendar")


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


def weekly_rows(service: Service, location: Location | None = None) -> list[Schedule]:
    """The weekly rows that apply at `location`: its own when it has any, else the
    service's general rows (also what no place gives)."""
    rows = list(service.schedules.all())
    own = [s for s in rows if location is not None and s.location_id == location.pk]
    return own or [s for s in rows if s.location_id is None]


def public_rows(service: Service) -> list[Schedule]:
    """The rows that make the service as a whole open: its general hours and the own hours
    of its public places (never those of a confidential place)."""
    public = {None} | {p.pk for p in service.locations.all() if not p.is_confidential}
    return [s for s in service.schedules.all() if s.location_id in public]


def has_own_hours(service: Service, location: Location) -> bool:
    """Whether the place keeps weekly hours of its own rather than the general ones."""
    return any(s.location_id == location.pk for s in service.schedules.all())


def calendar() -> Calendar:
    """The official calendar's days by date (cached; see ``CALENDAR``)."""
    return CALENDAR.get("days", lambda: {row.date: row for row in CalendarDay.objects.all()})


def weekday_of(day: dt.date, days: Calendar) -> int | None:
    """Whose weekly hours `day` keeps: its own weekday, the one a transferred working day
    names, or None on a non-working holiday or a transferred day off."""
    entry = days.get(day)
    if entry is None:
        return day.weekday()
    if entry.closes_services:
        return None
    return entry.hours_weekday


def periods_of_day(
    service: Service,
    day: dt.date,
    exceptions: list[ScheduleException],
    days: Calendar | None = None,
    rows: list[Schedule] | None = None,
) -> tuple[list[Period], bool]:
    """(periods, closed) for one calendar day: the service's own exception replaces the
    weekly `rows` (default: the general hours), else the official calendar may close the
    day or lend it another weekday's hours (not to a round-the-clock service)."""
    covering = [e for e in exceptions if e.covers(day)]
    if covering:
        if any(e.is_closed for e in covering):
            return [], True
        return [(e.opens_at, e.closes_at) for e in covering], False
    weekday = (
        day.weekday() if service.is_24_7 else weekday_of(day, calendar() if days is None else days)
    )
    if weekday is None:
        return [], True
    rows = weekly_rows(service) if rows is None else rows
    periods = [(s.opens_at, s.closes_at) for s in rows if s.weekday == weekday]
    return periods, False


def periods_on(
    service: Service,
    day: dt.date,
    days: Calendar | None = None,
    location: Location | None = None,
) -> list[Period]:
    """Opening periods that start on `day` at `location` (default: the general hours),
    exceptions and calendar applied, for display."""
    exceptions = list(service.schedule_exceptions.all())
    rows = weekly_rows(service, location)
    periods, _closed = periods_of_day(service, day, exceptions, days, rows)
    return sorted(periods)


def is_open_at(
    service: Service, moment: dt.datetime | None = None, location: Location | None = None
) -> bool:
    """Open at `moment` (default now) at `location`, or, without a place, the service as
    a whole (see the module docstring)."""
    if service.status != service.Status.ACTIVE:
        return False
    if service.is_24_7:
        return True
    now_local = local(moment)
    today, now = now_local.date(), now_local.time().replace(tzinfo=None)
    exceptions, days = list(service.schedule_exceptions.all()), calendar()
    rows = public_rows(service) if location is None else weekly_rows(service, location)
    periods, closed = periods_of_day(service, today, exceptions, days, rows)
    if closed:
        return False
    for opens, closes in periods:
        if opens <= now and (now < closes or closes <= opens):
            return True
    yesterday = today - dt.timedelta(days=1)
    yesterday_periods, _ = periods_of_day(service, yesterday, exceptions, days, rows)
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


def next_opening(
    service: Service, moment: dt.datetime | None = None, location: Location | None = None
) -> dt.datetime | None:
    """When a closed service (at `location`, or at the first of its public places to
    open) next opens, holidays and special days applied, so that «Сейчас закрыто» can say
    «откроется завтра в 9:00»; None when nothing is scheduled within a month, the service
    is paused, or it never closes."""
    if service.status != service.Status.ACTIVE or service.is_24_7:
        return None
    now_local = local(moment)
    exceptions, days = list(service.schedule_exceptions.all()), calendar()
    rows = public_rows(service) if location is None else weekly_rows(service, location)
    for offset in range(NEXT_OPENING_DAYS + 1):
        day = now_local.date() + dt.timedelta(days=offset)
        periods, _closed = periods_of_day(service, day, exceptions, days, rows)
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


def opening_note(
    service: Service, moment: dt.datetime | None = None, location: Location | None = None
) -> str:
    """The phrase beside «Сейчас закрыто»; empty when no opening is scheduled."""
    return opening_phrase(next_opening(service, moment, location), moment)


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
    over a second for "open now" across 10,000 services. The official calendar is
    read here (cached), so it only changes which weekday's hours count.
    """
    now_local = local(moment)
    today, now = now_local.date(), now_local.time().replace(tzinfo=None)
    yesterday = today - dt.timedelta(days=1)
    days = calendar()
    weekday_today, weekday_yesterday = weekday_of(today, days), weekday_of(yesterday, days)

    overnight = Q(closes_at__lte=F("opens_at"))
    covers_now = Q(opens_at__lte=now) & (Q(closes_at__gt=now) | overnight)
    spills_into_now = overnight & Q(closes_at__gt=now)
    # General hours and those of public places, as ``public_rows``.
    public = Schedule.objects.filter(Q(location__isnull=True) | Q(location__is_confidential=False))

    def ids(rows: models.QuerySet) -> Q:
        return Q(pk__in=_service_ids(rows))

    closed_today = ids(_exceptions_on(today).filter(is_closed=True))
    exception_today = ids(_exceptions_on(today))
    exception_yesterday = ids(_exceptions_on(yesterday))
    special_now = ids(_exceptions_on(today).filter(is_closed=False).filter(covers_now))
    special_spill = ids(_exceptions_on(yesterday).filter(is_closed=False).filter(spills_into_now))
    open_by = special_now | special_spill
    if weekday_today is not None:
        weekly_now = ids(public.filter(weekday=weekday_today).filter(covers_now))
        open_by |= ~exception_today & weekly_now
    if weekday_yesterday is not None:
        weekly = public.filter(weekday=weekday_yesterday).filter(spills_into_now)
        open_by |= ~exception_yesterday & ids(weekly)
    if weekday_today is None:  # a holiday: closed all day unless the service's own day says
        open_by &= exception_today
    return Q(status="active") & (Q(is_24_7=True) | (~closed_today & open_by))


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


def calendar_note(entry: CalendarDay) -> str:
    """«1 января — праздничный день (Новогодние каникулы): не работает», for today's row."""
    what = str(SPECIAL_DAY_LABELS[entry.kind][0])
    if entry.display_name:
        what = f"{what} ({entry.display_name})"
    values = {"date": formats.date_format(entry.date, "j E"), "what": what}
    if entry.closes_services:
        return _("%(date)s — %(what)s: не работает") % values
    values["day"] = ON_WEEKDAY[entry.hours_weekday]
    return _("%(date)s — %(what)s: часы работы как %(day)s") % values


def week_hours(
    service: Service, today: dt.date | None = None, location: Location | None = None
) -> list[DayHours]:
    """Monday to Sunday from the weekly hours at `location` (default: the general hours);
    today's row with today's exceptions (or the official calendar's day) applied."""
    today = today or timezone.localdate()
    schedules = weekly_rows(service, location)
    exceptions = [e for e in service.schedule_exceptions.all() if e.covers(today)]
    days = {} if service.is_24_7 else calendar()
    entry = None if exceptions else days.get(today)
    rows = []
    for day in Weekday:
        periods = sorted((s.opens_at, s.closes_at) for s in schedules if s.weekday == day.value)
        row = DayHours(day.value, str(day.label), periods, is_today=day.value == today.weekday())
        if row.is_today and exceptions:
            row.periods = periods_on(service, today, days, location)
            row.note = "; ".join(_note(e) for e in exceptions)
        elif row.is_today and entry is not None:
            row.periods = periods_on(service, today, days, location)
            row.note = calendar_note(entry)
        rows.append(row)
    return rows


# The words for a day (or several) of the official calendar on the service page.
SPECIAL_DAY_LABELS = {
    CalendarDay.Kind.HOLIDAY: (
        pgettext_lazy("calendar", "праздничный день"),
        pgettext_lazy("calendar", "праздничные дни"),
    ),
    CalendarDay.Kind.DAY_OFF: (
        pgettext_lazy("calendar", "перенесённый выходной день"),
        pgettext_lazy("calendar", "перенесённые выходные дни"),
    ),
    CalendarDay.Kind.WORKING: (
        pgettext_lazy("calendar", "рабочий день по переносу"),
        pgettext_lazy("calendar", "рабочие дни по переносу"),
    ),
}


@dataclass
class CalendarException:
    """A day (or a run of days) of the official calendar as it touches one service, shaped
    like a ``ScheduleException`` for the page, JSON-LD and the HSDS API."""

    service_id: int | None
    first: CalendarDay
    start_date: dt.date
    end_date: dt.date
    is_closed: bool
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None

    @property
    def last_date(self) -> dt.date:
        return self.end_date

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date

    @property
    def name(self) -> str:
        return self.first.display_name

    @property
    def kind_label(self) -> str:
        singular, plural = SPECIAL_DAY_LABELS[self.first.kind]
        return str(plural if self.end_date > self.start_date else singular)

    @property
    def description(self) -> str:
        label = self.kind_label
        return f"{label.capitalize()}: {self.name}" if self.name else label.capitalize()

    @property
    def hsds_id(self) -> str:
        key = f"registry.calendarday:{self.first.pk}:{self.service_id}:{self.opens_at}"
        return str(uuid.uuid5(HSDS_NAMESPACE, key))

    def __str__(self) -> str:
        return self.description


def calendar_exceptions(
    service: Service,
    start: dt.date,
    end: dt.date | None = None,
    location: Location | None = None,
) -> list[CalendarException]:
    """The official calendar's days from `start` (to `end`) that change this service's
    hours (at `location`, default the general hours): none for a round-the-clock
    service, none where its own exception rules the day. Consecutive closed days of one
    kind and name become one range."""
    if service.is_24_7:
        return []
    own = list(service.schedule_exceptions.all())
    entries = [
        entry
        for day, entry in sorted(calendar().items())
        if day >= start and (end is None or day <= end) and not any(e.covers(day) for e in own)
    ]
    found: list[CalendarException] = []
    for entry in entries:
        if entry.closes_services:
            last = found[-1] if found else None
            if (
                last is not None
                and last.is_closed
                and last.end_date + dt.timedelta(days=1) == entry.date
                and (last.first.kind, last.first.name) == (entry.kind, entry.name)
            ):
                last.end_date = entry.date
                continue
            found.append(CalendarException(service.pk, entry, entry.date, entry.date, True))
            continue
        for opens, closes in periods_on(service, entry.date, location=location):
            found.append(
                CalendarException(service.pk, entry, entry.date, entry.date, False, opens, closes)
            )
    return found


def upcoming_exceptions(
    service: Service, today: dt.date | None = None, location: Location | None = None
) -> list[ScheduleException | CalendarException]:
    """Holidays and special days from today to ``UPCOMING_EXCEPTION_DAYS`` ahead: the
    service's own and the official calendar's (at `location`, default the general hours)."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=UPCOMING_EXCEPTION_DAYS)
    own = [
        e
        for e in service.schedule_exceptions.all()
        if e.last_date >= today and e.start_date <= horizon
    ]
    official = calendar_exceptions(service, today, horizon, location)
    return sorted([*own, *official], key=lambda e: e.start_date)
