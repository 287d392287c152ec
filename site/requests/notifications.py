"""Who hears about a new report: the district's SOS service, else a configured fallback."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from wagtail.models import Locale

from safechildhood.registry.models import Service, has_kind

from .models import Report

SOS_KIND = "sos"


def sos_services(district_id: int | None) -> QuerySet[Service]:
    """Published, working SOS services of the district (source-language rows), best first."""
    if not district_id:
        return Service.objects.none()
    return (
        Service.objects.filter(live=True, locale=Locale.get_default())
        .serving_district(district_id)
        .filter(is_suggestion())
        .select_related("organization")
        .order_by("name", "pk")
    )


def is_suggestion() -> ExpressionWrapper:
    """A working SOS service: the duty e-mail goes to it and the report page suggests it
    (a filter, or a flag on a list of the district's services)."""
    return ExpressionWrapper(
        Q(status=Service.Status.ACTIVE) & has_kind(SOS_KIND), output_field=BooleanField()
    )


def suggested_service(report: Report, district_services: Iterable[Service]) -> Service | None:
    """The district's SOS service, offered to staff when nothing is assigned yet: the first
    of the district's live services (by name) flagged with `is_suggestion` (the service
    page's list, or the report page's one-row ``record.suggestions``)."""
    if report.service_id or not report.district_id:
        return None
    return next((service for service in district_services if service.suggestion), None)


def duty_addresses(report: Report) -> list[str]:
    """The assigned service's address, else the district's SOS services', else the fallback."""
    addresses: list[str] = []
    services = [report.service] if report.service_id else list(sos_services(report.district_id))
    for service in services:
        if service is None:
            continue
        email = service.email or (service.organization.email if service.organization else "")
        if email and email not in addresses:
            addresses.append(email)
    if not addresses and settings.REPORTS_FALLBACK_EMAIL:
        addresses.append(settings.REPORTS_FALLBACK_EMAIL)
    return addresses
