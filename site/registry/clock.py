"""Until when a registry page stays true: the page cache keeps it that long at most.

"Open now", today's row of the week and the special days all change only at a time of
day where some opening hours begin or end, or at midnight (dates). So a page rendered
now is right until the next such moment, in the region's time zone.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .hours import site_timezone
from .models import Schedule, ScheduleException


def boundaries() -> set[dt.time]:
    """Every time of day at which some service opens or closes (and midnight)."""
    times = {dt.time(0)}
    for model in (Schedule, ScheduleException):
        for opens, closes in model.objects.values_list("opens_at", "closes_at").distinct():
            times.update(t.replace(tzinfo=None) for t in (opens, closes) if t is not None)
    return times


def next_change(now: dt.datetime | None = None) -> float:
    """The next moment (a timestamp) at which any service's hours can change a page."""
    local = (now or timezone.now()).astimezone(site_timezone())
    today, tz = local.date(), local.tzinfo
    for day in (today, today + dt.timedelta(days=1)):
        moments = sorted(dt.datetime.combine(day, t, tzinfo=tz) for t in boundaries())
        later = [m for m in moments if m > local]
        if later:
            return later[0].timestamp()
    return (local + dt.timedelta(days=1)).timestamp()  # unreachable: midnight is a boundary
