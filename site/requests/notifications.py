"""Who hears about a new report: the district's SOS service, else a configured fallback."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from wagtail.models import Locale

from safechildhood.registry.models import Service

from .models import Report

SOS_KIND = "sos"


def sos_services(district_id: int | None) -> QuerySet[Service]:
    """Published, working SOS services of the district (source-language rows), best first."""
    if not district_id:
        return Service.objects.none()
    return (
        Service.objects.filter(live=True, status=Service.Status.ACTIVE, locale=Locale.get_default())
        .serving_district(district_id)
        .of_kind(SOS_KIND)
        .select_related("organization")
        .order_by("name", "pk")
    )


def suggested_service(report: Report) -> Service | None:
    """The district's SOS service, offered to staff when nothing is assigned yet."""
    return sos_services(report.district_id).first()


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
