"""Who acts on a report or a family's request, as the sender is told (issue 13, points 5–6).

From the registry: the service staff chose (``Report.service``), else the district's
SOS service; a family's own request is routed when it is stored to the district's
«Семейная диспетчерская» (kind ``family_dispatch``), else its SOS service. Phones
dial through ``core.phones.tel_href`` (``Phone.href``), "open now" is
``registry.hours.is_open_at``: the same rules as the registry's own pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from wagtail.models import Locale

from safechildhood.registry import hours
from safechildhood.registry.models import Service

from .models import Report, Status
from .notifications import SOS_KIND, sos_services

FAMILY_DISPATCH_KIND = "family_dispatch"


def _working(district_id: int, kind: str) -> QuerySet[Service]:
    return (
        Service.objects.filter(live=True, status=Service.Status.ACTIVE, locale=Locale.get_default())
        .serving_district(district_id)
        .of_kind(kind)
        .order_by("name", "pk")
    )


def family_service(district_id: int | None) -> Service | None:
    """Where a family's own request goes: the district's family dispatch, else its SOS service."""
    if not district_id:
        return None
    return (
        _working(district_id, FAMILY_DISPATCH_KIND).first()
        or _working(district_id, SOS_KIND).first()
    )


@dataclass
class ActingService:
    """One service as the sender sees it: name, page, phones to dial, open now or not."""

    service: Service
    open_now: bool
    phones: list = field(default_factory=list)
    opening_note: str = ""  # «Откроется завтра в 9:00» while closed

    @property
    def name(self) -> str:
        return self.service.name


@dataclass
class WhoActs:
    """What the confirmation and status pages say about who handles the signal and when."""

    district_name: str
    services: list[ActingService]
    hours: int  # the promised reaction time (the inbox's overdue rule uses the same setting)
    urgent: bool
    family: bool
    waiting: bool  # not yet taken into work: the promised time still lies ahead

    @property
    def district_known(self) -> bool:
        return bool(self.district_name)


def promised_hours(urgent: bool) -> int:
    return settings.REPORTS_URGENT_SLA_HOURS if urgent else settings.REPORTS_SLA_HOURS


def _acting(service: Service, moment: dt.datetime | None) -> ActingService:
    open_now = hours.is_open_at(service, moment)
    note = "" if open_now else hours.opening_note(service, moment)
    return ActingService(service, open_now, list(service.phones.all()), note)


def who_acts(report: Report, moment: dt.datetime | None = None) -> WhoActs:
    """The chosen service, else the district's SOS services, with phones and "open now"."""
    if report.service_id:
        rows = Service.objects.filter(pk=report.service_id, live=True)
    else:
        rows = sos_services(report.district_id)
    rows = rows.prefetch_related("phones", "schedules", "schedule_exceptions")
    acting = [_acting(service, moment) for service in rows[:3]]
    district = report.district if report.district_id else None
    return WhoActs(
        district_name=district.name if district else "",
        services=acting,
        hours=promised_hours(report.urgent),
        urgent=report.urgent,
        family=report.is_family,
        waiting=report.status == Status.NEW,
    )
